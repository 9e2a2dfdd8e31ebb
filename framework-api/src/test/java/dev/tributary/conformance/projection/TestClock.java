package dev.tributary.conformance.projection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test sets, in whole milliseconds (what the log keeps). Thread-safe. */
public final class TestClock extends Clock {

    private volatile Instant now;

    public TestClock(Instant start) {
        this.now = start.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public void set(Instant instant) {
        now = instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public void advance(Duration duration) {
        set(now.plus(duration));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a TestClock stays in UTC");
    }
}
