package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.projection.LogOffsetProjectionConformance;

class InMemoryLogOffsetProjectionConformanceTest extends LogOffsetProjectionConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
