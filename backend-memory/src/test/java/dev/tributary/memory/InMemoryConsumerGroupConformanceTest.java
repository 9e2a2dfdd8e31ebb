package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.log.ConsumerGroupConformance;

class InMemoryConsumerGroupConformanceTest extends ConsumerGroupConformance {

    @Override
    protected ConformanceFixture fixture() {
        return new InMemoryFixture();
    }
}
