package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.projection.ProcessorConformance;

@KafkaTest
class KafkaProcessorConformanceTest extends ProcessorConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
