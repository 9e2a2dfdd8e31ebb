package dev.tributary.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, kept whole so that percentiles are exact. Not thread-safe: one per thread, merged
 * after the run.
 */
public final class Latencies {

    private long[] nanos = new long[1024];
    private int size;

    public void add(long sample) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = sample;
    }

    public void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.nanos[i]);
        }
    }

    public int size() {
        return size;
    }

    /** The nearest-rank percentile, in milliseconds; {@code p} from 0 to 100. */
    public double percentileMillis(double p) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }

    public double meanMillis() {
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += nanos[i];
        }
        return size == 0 ? 0 : sum / 1e6 / size;
    }

    /** For example {@code p50 0.21 ms, p99 1.30 ms, max 9.80 ms (mean 0.30 ms, 1,234,567 samples)}. */
    public String format() {
        return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms (mean %.2f ms, %,d samples)",
                percentileMillis(50), percentileMillis(99), percentileMillis(100), meanMillis(), size);
    }
}
