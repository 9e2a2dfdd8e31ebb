package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.AggregateRecoveryConformance;

class InMemoryAggregateRecoveryConformanceTest extends AggregateRecoveryConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
