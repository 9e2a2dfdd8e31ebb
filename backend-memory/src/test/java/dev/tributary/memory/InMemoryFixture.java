package dev.tributary.memory;

import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogCapabilities;

import java.time.Duration;

/** Runs the conformance suites against {@link InMemoryEventLog}. */
public final class InMemoryFixture implements ConformanceFixture {

    private static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(1);

    @Override
    public EventLog createEventLog() {
        return InMemoryEventLog.builder().maxPollInterval(MEMBER_TIMEOUT).build();
    }

    @Override
    public LogCapabilities declaredCapabilities() {
        return new LogCapabilities(true, false);
    }

    @Override
    public Duration memberTimeout() {
        return MEMBER_TIMEOUT;
    }
}
