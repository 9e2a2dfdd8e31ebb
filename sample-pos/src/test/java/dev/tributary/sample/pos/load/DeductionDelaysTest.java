package dev.tributary.sample.pos.load;

import dev.tributary.api.Event;
import dev.tributary.sample.pos.inventory.InventoryEvents.SaleDeducted;
import dev.tributary.sample.pos.inventory.SourcePosition;
import dev.tributary.sample.pos.inventory.StockLine;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeductionDelaysTest {

    private static final Instant RUN_STARTED = Instant.parse("2025-06-30T09:00:00Z");

    private final RunStats run = new RunStats();
    private final DeductionDelays delays = new DeductionDelays();

    DeductionDelaysTest() {
        run.started(RUN_STARTED);
        delays.measure(run);
    }

    @Test
    void a_deduction_is_timed_from_the_sale_to_the_events_timestamp() {
        deliver(RUN_STARTED.plusMillis(10), 0, RUN_STARTED.plusMillis(17));
        deliver(RUN_STARTED.plusMillis(20), 1, RUN_STARTED.plusMillis(65));

        assertEquals(2, run.deductionDelays().count());
        assertEquals(7, run.deductionDelays().percentile(50));
        assertEquals(45, run.deductionDelays().max());
    }

    @Test
    void a_deduction_in_the_millisecond_of_its_sale_is_timed_at_zero() {
        // Applied 0.2 ms after the sale, but the log keeps 10.9 ms as 10 ms.
        deliver(RUN_STARTED.plusNanos(10_700_000), 0, RUN_STARTED.plusNanos(10_900_000));

        assertEquals(1, run.deductionDelays().count());
        assertEquals(0, run.deductionDelays().max());
    }

    @Test
    void sales_recorded_before_the_run_started_are_not_timed() {
        // Left over from a run stopped before inventory caught up, or replayed: deducted long after the sale.
        deliver(RUN_STARTED.minusSeconds(600), 0, RUN_STARTED.plusMillis(5));
        deliver(RUN_STARTED, 1, RUN_STARTED.plusMillis(5));

        assertEquals(1, run.deductionDelays().count());
        assertEquals(5, run.deductionDelays().max());
    }

    @Test
    void a_deduction_written_before_the_sample_kept_the_sale_time_is_not_timed() {
        deliver(null, 0, RUN_STARTED.plusMillis(5));

        assertEquals(0, run.deductionDelays().count());
    }

    @Test
    void an_event_handed_over_again_is_timed_once() {
        deliver(RUN_STARTED, 3, RUN_STARTED.plusMillis(5));
        deliver(RUN_STARTED, 4, RUN_STARTED.plusMillis(6));
        deliver(RUN_STARTED, 3, RUN_STARTED.plusMillis(5));
        deliver(RUN_STARTED, 4, RUN_STARTED.plusMillis(6));

        assertEquals(2, run.deductionDelays().count());
    }

    @Test
    void nothing_is_timed_before_the_run_starts() {
        RunStats notStarted = new RunStats();
        delays.measure(notStarted);

        deliver(RUN_STARTED, 0, RUN_STARTED.plusMillis(5));

        assertEquals(0, notStarted.deductionDelays().count());
        assertEquals(0, run.deductionDelays().count());
    }

    /** Hands over the deduction at {@code offset} of an inventory partition, applied at {@code deductedAt}. */
    private void deliver(Instant saleRecordedAt, long offset, Instant deductedAt) {
        SaleDeducted deducted = new SaleDeducted("s00001", "r" + offset, "s00001-t1",
                List.of(new StockLine("i0001", 1)), new SourcePosition("pos-sales", 2, offset), saleRecordedAt);
        // In whole milliseconds, as the log keeps an event's timestamp.
        Instant timestamp = Instant.ofEpochMilli(deductedAt.toEpochMilli());
        delays.on(deducted, new Event("pos-inventory", 2, offset, "s00001", "m" + offset,
                SaleDeducted.class.getName(), deducted, Map.of(), timestamp, "ShopInventory", "s00001", offset));
    }
}
