package dev.tributary.sample.pos.load;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard and how long the load generator drives the chain.
 *
 * @param salesPerSecond target receipts per second over all tills; 0 for as fast as the platform accepts them
 * @param duration       how long the tills run
 * @param tillThreads    threads ringing up sales; each owns a share of the tills
 * @param maxInFlight    sales published but not yet acknowledged, at most
 */
public record LoadSettings(int salesPerSecond, Duration duration, int tillThreads, int maxInFlight) {

    public static final LoadSettings DEFAULT = new LoadSettings(500, Duration.ofSeconds(30), 2, 20_000);

    public LoadSettings {
        if (salesPerSecond < 0) {
            throw new IllegalArgumentException("rate must be >= 0 sales per second (0 = unlimited), got " + salesPerSecond);
        }
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got " + duration);
        }
        if (tillThreads < 1) {
            throw new IllegalArgumentException("tillThreads must be >= 1, got " + tillThreads);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
        }
    }

    /** Transfers the back office attempts per second: one per hundred sales, at least one. */
    public double transfersPerSecond() {
        return salesPerSecond == 0 ? 50 : Math.max(1, salesPerSecond / 100.0);
    }

    /** Stock counts the back office attempts per second: one per two hundred sales, at least one. */
    public double countsPerSecond() {
        return salesPerSecond == 0 ? 20 : Math.max(1, salesPerSecond / 200.0);
    }
}
