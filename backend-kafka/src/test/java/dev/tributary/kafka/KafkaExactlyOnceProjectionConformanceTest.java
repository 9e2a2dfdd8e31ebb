package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.projection.ExactlyOnceProjectionConformance;

@KafkaTest
class KafkaExactlyOnceProjectionConformanceTest extends ExactlyOnceProjectionConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
