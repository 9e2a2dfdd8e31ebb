package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.log.EventLogConformance;

class InMemoryEventLogConformanceTest extends EventLogConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
