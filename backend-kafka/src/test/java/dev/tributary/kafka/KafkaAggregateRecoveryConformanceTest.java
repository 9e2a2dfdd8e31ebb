package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.AggregateRecoveryConformance;

@KafkaTest
class KafkaAggregateRecoveryConformanceTest extends AggregateRecoveryConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
