package dev.tributary.sample.pos.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Delays in whole milliseconds, counted in fixed buckets so that a run of any length takes the same memory (about
 * 450 KB). Below 2,048 ms each millisecond has a bucket of its own, so percentiles there are exact; above, each power
 * of two is split into 1,024 buckets and a percentile reads as the highest delay of its bucket, at most 0.1 % high.
 * The maximum is always exact.
 *
 * <p>Thread-safe. Read while delays are being recorded, a percentile may leave out the latest few.
 */
public final class DelayHistogram {

    private static final int SUB_BUCKET_BITS = 10;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    private static final int EXACT_BELOW = 2 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(bucketOf(Long.MAX_VALUE) + 1);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    /** Counts one delay. @throws IllegalArgumentException if it is negative */
    public void record(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("a delay must be >= 0 ms, got " + millis);
        }
        counts.incrementAndGet(bucketOf(millis));
        max.accumulateAndGet(millis, Math::max);
        count.incrementAndGet();
    }

    public long count() {
        return count.get();
    }

    /** The longest delay recorded, exactly; 0 if none was. */
    public long max() {
        return max.get();
    }

    /**
     * The nearest-rank percentile: the shortest delay that at least {@code percent} % of the recorded ones do not
     * exceed (the 50th of 1 to 100 ms is 50 ms, the 99th is 99 ms). 0 if nothing was recorded.
     *
     * @param percent 1 to 100
     */
    public long percentile(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a percentile must be 1 to 100, got " + percent);
        }
        long[] snapshot = new long[counts.length()];
        long total = 0;
        for (int b = 0; b < snapshot.length; b++) {
            snapshot[b] = counts.get(b);
            total += snapshot[b];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (percent * total + 99) / 100;
        long seen = 0;
        for (int b = 0; b < snapshot.length; b++) {
            seen += snapshot[b];
            if (seen >= rank) {
                return Math.min(highestIn(b), max.get());
            }
        }
        throw new IllegalStateException("rank " + rank + " beyond the " + total + " delays counted");
    }

    /** Below 2,048 ms a delay is its own bucket; above, its highest 11 bits pick the bucket. */
    static int bucketOf(long millis) {
        if (millis < EXACT_BELOW) {
            return (int) millis;
        }
        int shift = 63 - Long.numberOfLeadingZeros(millis) - SUB_BUCKET_BITS;
        return EXACT_BELOW + (shift - 1) * SUB_BUCKETS + (int) ((millis >>> shift) - SUB_BUCKETS);
    }

    static long highestIn(int bucket) {
        if (bucket < EXACT_BELOW) {
            return bucket;
        }
        int shift = (bucket - EXACT_BELOW) / SUB_BUCKETS + 1;
        long top = (bucket - EXACT_BELOW) % SUB_BUCKETS + SUB_BUCKETS;
        return ((top + 1) << shift) - 1;
    }
}
