package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.log.ConsumerGroupConformance;

@KafkaTest
class KafkaConsumerGroupConformanceTest extends ConsumerGroupConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
