package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.CommandConcurrencyConformance;

class InMemoryCommandConcurrencyConformanceTest extends CommandConcurrencyConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
