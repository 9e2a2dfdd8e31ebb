package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.CommandConcurrencyConformance;

@KafkaTest
class KafkaCommandConcurrencyConformanceTest extends CommandConcurrencyConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
