package dev.tributary.conformance;

import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogCapabilities;

import java.time.Duration;
import java.util.UUID;

/**
 * What a backend hands the conformance suites. One fixture class per backend; each suite is an abstract class that
 * the backend extends in a few lines, returning its fixture. The suites never skip: where backends may differ,
 * the fixture declares its answer and the suites assert it.
 */
public interface ConformanceFixture {

    /**
     * A log for one test; the test closes it. It must let a member that stops polling for {@link #memberTimeout()}
     * lose its partitions to the other members.
     */
    EventLog createEventLog();

    /** What this backend declares where backends may differ; the suites assert the log reports and honours it. */
    LogCapabilities declaredCapabilities();

    /** How long a member may go without polling before the group gives its partitions away. */
    Duration memberTimeout();

    /** A stream or group name no other test uses (a Kafka broker is shared by the whole test JVM). */
    default String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
