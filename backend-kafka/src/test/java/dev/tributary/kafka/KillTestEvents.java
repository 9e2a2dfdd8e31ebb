package dev.tributary.kafka;

import dev.tributary.api.StreamPartition;
import dev.tributary.internal.EventCodec;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * The kill tests' traffic: events published so that they flow across the kill, and streams read back as a
 * read-committed consumer sees them, the only view in which a crash may leave no trace.
 */
final class KillTestEvents {

    private static final int APPEND_SIZE = 250;
    private static final int KEYS = 97;
    private static final int MAX_READ = 5_000;

    private KillTestEvents() {
    }

    /**
     * Publishes {@code tick(seq)} for seq 0 to {@code events - 1} under key {@code key-<seq % 97>}, in appends of 250
     * per partition. The second half waits until {@code killing} holds (or {@code patience} runs out), so that events
     * flow before, during and after the kill whatever the machine's speed.
     */
    static void publish(KafkaEventLog log, String stream, long events, LongFunction<?> tick, BooleanSupplier killing,
                        Duration patience) {
        EventCodec codec = EventCodec.withDefaults(Clock.systemUTC());
        Map<StreamPartition, List<LogRecord>> pending = new LinkedHashMap<>();
        for (long seq = 0; seq < events; seq++) {
            if (seq == events / 2) {
                awaitQuietly(killing, patience);
            }
            String key = "key-" + (seq % KEYS);
            StreamPartition partition = log.partitionFor(stream, key);
            List<LogRecord> records = pending.computeIfAbsent(partition, p -> new ArrayList<>());
            records.add(codec.encodeEvent(key, tick.apply(seq), Map.of()));
            if (records.size() == APPEND_SIZE) {
                log.append(partition, List.copyOf(records)).join();
                records.clear();
            }
        }
        pending.forEach((partition, records) -> {
            if (!records.isEmpty()) {
                log.append(partition, records).join();
            }
        });
    }

    private static void awaitQuietly(BooleanSupplier condition, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Every committed entry of the stream, partition by partition; offsets have gaps (markers, aborted records). */
    static List<LogEntry> readAll(KafkaEventLog log, String stream, int partitions) {
        List<LogEntry> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            StreamPartition partition = new StreamPartition(stream, p);
            readFrom(log, partition, log.beginningOffset(partition), log.endOffset(partition), all);
        }
        return all;
    }

    /** Appends the committed entries from {@code from} up to at least {@code end}; returns where to read on. */
    static long readFrom(KafkaEventLog log, StreamPartition partition, long from, long end, List<LogEntry> to) {
        while (from < end) {
            // A read returns the entries committed when it began, waiting for them if need be.
            List<LogEntry> entries = log.read(partition, from, MAX_READ, Duration.ZERO);
            if (entries.isEmpty()) {
                return end; // only markers and aborted records are left below the end
            }
            to.addAll(entries);
            from = entries.get(entries.size() - 1).nextOffset();
        }
        return from;
    }
}
