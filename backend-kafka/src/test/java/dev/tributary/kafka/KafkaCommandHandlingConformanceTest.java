package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.CommandHandlingConformance;

@KafkaTest
class KafkaCommandHandlingConformanceTest extends CommandHandlingConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
