package dev.tributary.kafka;

import dev.tributary.api.CommitRetriableException;
import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.RebalanceListener;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shared broker is stopped cleanly and started again on the same data and port while an appender and a group
 * member are busy: every acknowledged append survives, and both go on without being recreated.
 */
@KafkaTest
class BrokerRestartTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int PARTITIONS = 3;

    @Test
    void a_broker_restart_mid_stream_loses_no_acknowledged_event_and_clients_recover_without_a_restart()
            throws Exception {
        String name = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> received = ConcurrentHashMap.newKeySet();
        AtomicInteger failedAppends = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (KafkaEventLog log = KafkaEventLog.builder()
                .bootstrapServers(SharedKafkaBroker.bootstrapServers())
                .sessionTimeout(Duration.ofSeconds(10))
                .maxPollInterval(Duration.ofSeconds(30))
                .build()) {
            StreamSpec stream = StreamSpec.of(name, PARTITIONS);
            log.createStream(stream);
            Future<?> appending = threads.submit(() -> append(log, stream, acknowledged, failedAppends, stop));
            Future<?> consuming = threads.submit(() -> consume(log, stream, received, stop));

            eventually("300 appends are acknowledged", () -> acknowledged.size() >= 300);
            SharedKafkaBroker.restart(Duration.ofSeconds(1));
            int atRestart = acknowledged.size();
            eventually("300 more appends are acknowledged after the restart", () -> acknowledged.size() >= atRestart + 300);
            stop.set(true);
            appending.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> expected = Set.copyOf(acknowledged);

            Set<String> stored = new java.util.HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                stored.addAll(readAll(log, stream.partition(p)));
            }
            assertTrue(stored.containsAll(expected), "acknowledged but lost: " + difference(expected, stored));
            eventually("the group member received every acknowledged event", () -> received.containsAll(expected));
            consuming.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(expected.size() >= 600, "appends went on after the restart: " + expected.size());
            // Appends caught by the restart may fail; a failed one must then be invisible.
            assertEquals(Set.of(), difference(stored, Set.copyOf(acknowledged)), "visible but never acknowledged");
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
    }

    private static void append(KafkaEventLog log, StreamSpec stream, Set<String> acknowledged,
                               AtomicInteger failed, AtomicBoolean stop) {
        int next = 0;
        while (!stop.get()) {
            // A few appends in flight at a time, as a busy application would have.
            List<CompletableFuture<List<Long>>> inFlight = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 10; i++, next++) {
                String value = "e-" + next;
                values.add(value);
                inFlight.add(log.append(stream.partition(next % PARTITIONS),
                        List.of(LogRecord.of(value, value.getBytes(StandardCharsets.UTF_8)))));
            }
            for (int i = 0; i < inFlight.size(); i++) {
                try {
                    inFlight.get(i).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                    acknowledged.add(values.get(i));
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        }
    }

    private static void consume(KafkaEventLog log, StreamSpec stream, Set<String> received, AtomicBoolean stop) {
        try (GroupMember member = log.joinGroup("restart-" + stream.name(), Set.of(stream.name()), RebalanceListener.NONE)) {
            long quietSince = System.nanoTime();
            while (!stop.get() || System.nanoTime() - quietSince < Duration.ofSeconds(2).toNanos()) {
                List<LogEntry> entries = member.poll(Duration.ofMillis(100));
                if (!entries.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                Map<StreamPartition, Long> next = new HashMap<>();
                for (LogEntry entry : entries) {
                    received.add(new String(entry.value(), StandardCharsets.UTF_8));
                    next.put(entry.partition(), entry.nextOffset());
                }
                try {
                    member.commitSync(next);
                } catch (CommitRetriableException | PartitionFencedException e) {
                    // the broker is away or the group rebalances: the entries come again, which a set absorbs
                }
            }
        }
    }

    private static List<String> readAll(KafkaEventLog log, StreamPartition partition) {
        List<String> values = new ArrayList<>();
        long next = 0;
        long end = log.endOffset(partition);
        while (next < end) {
            List<LogEntry> entries = log.read(partition, next, 1_000, Duration.ofSeconds(1));
            if (entries.isEmpty()) {
                break;
            }
            entries.forEach(e -> values.add(new String(e.value(), StandardCharsets.UTF_8)));
            next = entries.get(entries.size() - 1).nextOffset();
        }
        return values;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new java.util.TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + PATIENCE + " waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
