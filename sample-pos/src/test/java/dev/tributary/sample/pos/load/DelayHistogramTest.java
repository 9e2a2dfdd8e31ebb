package dev.tributary.sample.pos.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelayHistogramTest {

    @Test
    void percentiles_of_one_to_a_hundred_ms_are_their_nearest_ranks() {
        List<Long> delays = new ArrayList<>();
        for (long ms = 1; ms <= 100; ms++) {
            delays.add(ms);
        }
        Collections.shuffle(delays, new Random(42));
        DelayHistogram histogram = new DelayHistogram();
        delays.forEach(histogram::record);

        assertEquals(100, histogram.count());
        assertEquals(1, histogram.percentile(1));
        assertEquals(50, histogram.percentile(50));
        assertEquals(99, histogram.percentile(99));
        assertEquals(100, histogram.percentile(100));
        assertEquals(100, histogram.max());
    }

    @Test
    void a_percentile_between_two_ranks_takes_the_higher() {
        DelayHistogram histogram = new DelayHistogram();
        for (long ms : new long[] {0, 0, 3, 7, 7, 12, 40}) {
            histogram.record(ms);
        }

        // 7 delays: the 50th percentile is the 4th (3.5 rounded up), the 99th the 7th.
        assertEquals(7, histogram.percentile(50));
        assertEquals(0, histogram.percentile(28));
        assertEquals(3, histogram.percentile(29));
        assertEquals(40, histogram.percentile(99));
        assertEquals(40, histogram.max());
    }

    @Test
    void delays_of_two_seconds_and_more_read_as_the_highest_of_their_bucket_but_the_maximum_is_exact() {
        DelayHistogram histogram = new DelayHistogram();
        histogram.record(2_047);
        histogram.record(5_000);
        histogram.record(5_000);
        histogram.record(7_001);

        assertEquals(2_047, histogram.percentile(25));
        // 4,096 to 8,191 ms come in buckets of 4 ms: 5,000 to 5,003 share one.
        assertEquals(5_003, histogram.percentile(50));
        assertEquals(5_003, histogram.percentile(75));
        assertEquals(7_001, histogram.percentile(99));
        assertEquals(7_001, histogram.max());
    }

    @Test
    void every_delay_reads_at_most_a_thousandth_high() {
        for (long ms : new long[] {0, 1, 2_047, 2_048, 2_049, 4_095, 4_096, 123_456, 3_600_000, Long.MAX_VALUE / 3,
                Long.MAX_VALUE}) {
            long highest = DelayHistogram.highestIn(DelayHistogram.bucketOf(ms));
            assertTrue(highest >= ms && highest - ms <= ms / 1_000, ms + " ms reads as " + highest + " ms");
        }
    }

    @Test
    void an_empty_histogram_reads_zero() {
        DelayHistogram histogram = new DelayHistogram();

        assertEquals(0, histogram.count());
        assertEquals(0, histogram.percentile(50));
        assertEquals(0, histogram.max());
    }

    @Test
    void a_negative_delay_and_a_percentile_outside_1_to_100_are_refused() {
        DelayHistogram histogram = new DelayHistogram();

        assertEquals("a delay must be >= 0 ms, got -1",
                assertThrows(IllegalArgumentException.class, () -> histogram.record(-1)).getMessage());
        assertEquals("a percentile must be 1 to 100, got 0",
                assertThrows(IllegalArgumentException.class, () -> histogram.percentile(0)).getMessage());
        assertEquals("a percentile must be 1 to 100, got 101",
                assertThrows(IllegalArgumentException.class, () -> histogram.percentile(101)).getMessage());
    }
}
