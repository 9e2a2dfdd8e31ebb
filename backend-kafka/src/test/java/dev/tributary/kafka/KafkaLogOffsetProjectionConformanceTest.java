package dev.tributary.kafka;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.conformance.projection.LogOffsetProjectionConformance;

@KafkaTest
class KafkaLogOffsetProjectionConformanceTest extends LogOffsetProjectionConformance {

    @Override
    protected ConformanceFixture fixture() {
        return KafkaFixture.INSTANCE;
    }
}
