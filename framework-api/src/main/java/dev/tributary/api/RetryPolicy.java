package dev.tributary.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a failing batch is retried before its partition stops: up to {@code maxAttempts} attempts in all, waiting
 * {@code initialBackoff}, doubled each time up to {@code maxBackoff}, between attempts.
 *
 * @param maxAttempts    attempts in all, at least 1 (1 means no retry)
 * @param initialBackoff the wait before the second attempt, not negative
 * @param maxBackoff     the longest wait, at least {@code initialBackoff}
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** 5 attempts, 100 ms doubling to 5 s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
        }
    }

    public static RetryPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    /** The wait before attempt number {@code attempt} (2 is the first retry). */
    public Duration backoffBefore(int attempt) {
        long millis = initialBackoff.toMillis();
        for (int i = 2; i < attempt && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
