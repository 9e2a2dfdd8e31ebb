package dev.tributary.sample.pos.load;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live counters of one load run. Thread-safe. */
public final class RunStats {

    final AtomicLong salesAccepted = new AtomicLong();
    final AtomicLong unitsSold = new AtomicLong();
    final AtomicLong voids = new AtomicLong();
    final AtomicLong returns = new AtomicLong();
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong transfersAccepted = new AtomicLong();
    final AtomicLong transfersRefused = new AtomicLong();
    final AtomicLong countsAccepted = new AtomicLong();
    final AtomicLong countsRefused = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicReference<String> firstFailure = new AtomicReference<>();
    final AtomicReference<String> exampleTransferRefusal = new AtomicReference<>();
    final AtomicReference<String> exampleCountRefusal = new AtomicReference<>();
    private final DelayHistogram deductionDelays = new DelayHistogram();
    /** When the run started, by the clock that stamps its sales; null before it started. */
    private volatile Instant startedAt;
    private volatile long startNanos;
    private volatile long endNanos;

    public long salesAccepted() {
        return salesAccepted.get();
    }

    public long unitsSold() {
        return unitsSold.get();
    }

    public long voids() {
        return voids.get();
    }

    public long returns() {
        return returns.get();
    }

    public long deliveries() {
        return deliveries.get();
    }

    public long transfersAccepted() {
        return transfersAccepted.get();
    }

    public long transfersRefused() {
        return transfersRefused.get();
    }

    public long countsAccepted() {
        return countsAccepted.get();
    }

    public long countsRefused() {
        return countsRefused.get();
    }

    /** Operations that failed for another reason than a refusal by a business rule. */
    public long failures() {
        return failures.get();
    }

    public String firstFailure() {
        return firstFailure.get();
    }

    public String exampleTransferRefusal() {
        return exampleTransferRefusal.get();
    }

    public String exampleCountRefusal() {
        return exampleCountRefusal.get();
    }

    /**
     * How far behind the tills inventory deducted the sales of this run: from the till's {@code recordedAt} to the
     * deduction event's timestamp. Filled as the deductions arrive; complete once the platform has caught up.
     */
    public DelayHistogram deductionDelays() {
        return deductionDelays;
    }

    /** Whether a sale recorded at {@code recordedAt} belongs to this run rather than to an earlier one. */
    boolean includes(Instant recordedAt) {
        Instant started = startedAt;
        return started != null && !recordedAt.isBefore(started);
    }

    /** Seconds since the run started, or its length once it ended; 0 before it started. */
    public double elapsedSeconds() {
        if (startNanos == 0) {
            return 0;
        }
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        return (end - startNanos) / 1e9;
    }

    public double salesPerSecond() {
        double seconds = elapsedSeconds();
        return seconds > 0 ? salesAccepted() / seconds : 0;
    }

    void started(Instant now) {
        startedAt = now;
        startNanos = System.nanoTime();
    }

    void ended() {
        endNanos = System.nanoTime();
    }

    void failed(Throwable error) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, error.getClass().getSimpleName() + ": " + error.getMessage());
    }
}
