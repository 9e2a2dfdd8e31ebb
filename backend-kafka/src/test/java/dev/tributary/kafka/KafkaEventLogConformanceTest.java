package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.log.EventLogConformance;

@KafkaTest
class KafkaEventLogConformanceTest extends EventLogConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
