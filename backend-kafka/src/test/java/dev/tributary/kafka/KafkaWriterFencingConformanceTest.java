package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.command.WriterFencingConformance;

@KafkaTest
class KafkaWriterFencingConformanceTest extends WriterFencingConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
