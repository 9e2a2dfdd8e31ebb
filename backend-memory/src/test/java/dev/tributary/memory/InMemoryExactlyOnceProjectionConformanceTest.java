package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.projection.ExactlyOnceProjectionConformance;

class InMemoryExactlyOnceProjectionConformanceTest extends ExactlyOnceProjectionConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
