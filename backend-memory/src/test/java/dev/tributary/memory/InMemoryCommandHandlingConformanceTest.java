package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.CommandHandlingConformance;

class InMemoryCommandHandlingConformanceTest extends CommandHandlingConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
