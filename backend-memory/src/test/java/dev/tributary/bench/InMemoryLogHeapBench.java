package dev.tributary.bench;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.memory.InMemoryEventLog;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;

import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Heap that the in-memory log holds per million small events, measured as heap in use after full collections with
 * the log full minus the same with the log empty. Two kinds of event:
 *
 * <ul>
 *   <li><b>bare records</b>: {@link dev.tributary.spi.EventLog#append} of a record with a 100-byte value, an
 *       11-character key of its own and no headers: what the log itself costs per entry;</li>
 *   <li><b>published events</b>: {@link Tributary#publish} of a {@link Reading} (about 100 bytes of JSON), which adds
 *       the headers Tributary writes to every event (message id, type, timestamp, ...): what an application pays.</li>
 * </ul>
 *
 * <p>Settings (system properties): {@code bench.events} (default 1000000), {@code bench.iterations} (3). Run it with
 * a heap large enough that collections are not what is measured, e.g. {@code -Xmx4g}.
 */
public final class InMemoryLogHeapBench {

    private static final int PARTITIONS = 8;
    private static final int VALUE_BYTES = 100;
    private static final int KEYS = 10_000;

    private static boolean described;

    private InMemoryLogHeapBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchEnvironment.quietLogging();
        int events = BenchEnvironment.intSetting("bench.events", 1_000_000);
        int iterations = BenchEnvironment.intSetting("bench.iterations", 3);
        System.out.println(BenchEnvironment.describeMachine());
        System.out.printf("heap held by the in-memory log: %,d events per iteration on %d partitions, %d iteration(s)"
                + " per kind; heap in use after full GC, log full minus log empty%n", events, PARTITIONS, iterations);

        // A first small run loads and initialises every class involved, so that the baseline already holds them.
        measureRecords(Math.min(events, 10_000));
        measurePublished(Math.min(events, 10_000));

        double[] records = new double[iterations];
        double[] published = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            records[i] = perMillion(measureRecords(events), events);
            System.out.printf("  bare records, iteration %d: %,.1f MiB per million (%,.0f bytes per event)%n", i + 1,
                    records[i], records[i] * 1024 * 1024 / 1e6);
            published[i] = perMillion(measurePublished(events), events);
            System.out.printf("  published events, iteration %d: %,.1f MiB per million (%,.0f bytes per event)%n",
                    i + 1, published[i], published[i] * 1024 * 1024 / 1e6);
        }
        System.out.printf("%nin-memory log, heap per million events (load average now %s):%n",
                BenchEnvironment.loadAverage());
        System.out.println("bare records (100-byte value, no headers): " + Summary.of(records).format("MiB per million"));
        System.out.println("published events (~100-byte JSON + Tributary headers): "
                + Summary.of(published).format("MiB per million"));
    }

    /** Heap the log holds for {@code events} bare records. */
    private static long measureRecords(int events) {
        InMemoryEventLog log = InMemoryEventLog.create();
        log.createStream(StreamSpec.of("records", PARTITIONS));
        StreamPartition[] partitions = new StreamPartition[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            partitions[p] = new StreamPartition("records", p);
        }
        long empty = BenchEnvironment.heapUsedAfterGc();
        byte[] value = new byte[VALUE_BYTES];
        ThreadLocalRandom.current().nextBytes(value);
        for (int i = 0; i < events; i++) {
            // A key built per record, as a real producer's would be: the log keeps it with the entry.
            String key = "key-" + (1_000_000 + i % KEYS);
            // The log copies the value on append, so one buffer serves every record.
            log.append(partitions[i % PARTITIONS], List.of(new LogRecord(key, value, Map.of(), Instant.now()))).join();
        }
        long full = BenchEnvironment.heapUsedAfterGc();
        Reference.reachabilityFence(log);
        log.close();
        return full - empty;
    }

    /** Heap the log holds for {@code events} events published through Tributary. */
    private static long measurePublished(int events) {
        InMemoryEventLog log = InMemoryEventLog.create();
        try (Tributary tributary = Tributary.builder().eventLog(log).stream(StreamSpec.of("readings", PARTITIONS))
                .build()) {
            long empty = BenchEnvironment.heapUsedAfterGc();
            for (int i = 0; i < events; i++) {
                String key = "key-" + (1_000_000 + i % KEYS);
                tributary.publish("readings", key, Reading.of(key, i)).join();
            }
            long full = BenchEnvironment.heapUsedAfterGc();
            Reference.reachabilityFence(log);
            if (!described) {
                described = true;
                System.out.println("  a published event as stored: " + describe(log.read(
                        new StreamPartition("readings", 0), 0, 1, Duration.ZERO).get(0)));
            }
            return full - empty;
        } finally {
            log.close();
        }
    }

    private static String describe(LogEntry entry) {
        int headerBytes = entry.headers().entrySet().stream()
                .mapToInt(h -> h.getKey().length() + (h.getValue() == null ? 0 : h.getValue().length)).sum();
        return String.format("%d-byte value, %d-character key, %d headers of %d bytes (names and values)",
                entry.value().length, entry.key().length(), entry.headers().size(), headerBytes);
    }

    private static double perMillion(long bytes, int events) {
        return bytes / 1024.0 / 1024.0 * 1e6 / events;
    }
}
