package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.CommandStreamConformance;

@KafkaTest
class KafkaCommandStreamConformanceTest extends CommandStreamConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
