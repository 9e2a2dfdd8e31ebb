package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.WriterFencingConformance;

class InMemoryWriterFencingConformanceTest extends WriterFencingConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
