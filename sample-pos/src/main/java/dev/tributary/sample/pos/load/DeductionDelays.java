package dev.tributary.sample.pos.load;

import dev.tributary.api.Event;
import dev.tributary.api.StreamPartition;
import dev.tributary.sample.pos.inventory.InventoryEvents.SaleDeducted;
import org.axonframework.eventhandling.EventHandler;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times how far behind the tills inventory deducts the sales of a load run, into its
 * {@link RunStats#deductionDelays()}: a {@link SaleDeducted} event's timestamp, stamped when the shop's aggregate
 * applied it, minus the sale's {@code recordedAt}. Event handlers for an at-least-once projection of the inventory
 * stream; an event handed over again is timed once.
 *
 * <p>Only sales recorded since the measured run started are timed, so neither a replay nor the deductions of a
 * run that stopped before inventory caught up (applied after a restart, late) change the figures.
 */
public final class DeductionDelays {

    private final Map<StreamPartition, Long> lastOffsets = new ConcurrentHashMap<>();
    private volatile RunStats run;

    /** Times the sales of {@code run} from now on, instead of those of the run measured before. */
    public void measure(RunStats run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    @EventHandler
    void on(SaleDeducted deducted, Event event) {
        Long last = lastOffsets.get(event.streamPartition());
        if (last != null && event.offset() <= last) {
            return; // at-least-once: handed over again after a failed batch
        }
        lastOffsets.put(event.streamPartition(), event.offset());
        RunStats measured = run;
        Instant recordedAt = deducted.saleRecordedAt();
        if (measured == null || recordedAt == null || !measured.includes(recordedAt)) {
            return;
        }
        // The log keeps the event's timestamp in whole milliseconds: truncating the sale's too keeps a deduction
        // within the millisecond of its sale at 0 rather than below.
        long millis = event.timestamp().toEpochMilli() - recordedAt.toEpochMilli();
        // Both stamps come from this process's wall clock, which may still step back between them.
        measured.deductionDelays().record(Math.max(0, millis));
    }
}
