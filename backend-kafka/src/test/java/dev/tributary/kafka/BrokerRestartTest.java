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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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
        // The member runs until it has everything: after a restart it may sit out a rejoin for seconds, and
        // stopping it on a quiet spell would fail the test for a pause the contract allows.
        AtomicBoolean stopConsuming = new AtomicBoolean();
        AtomicReference<String> consumerState = new AtomicReference<>("not joined");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (KafkaEventLog log = KafkaEventLog.builder()
                .bootstrapServers(SharedKafkaBroker.bootstrapServers())
                .sessionTimeout(Duration.ofSeconds(10))
                .maxPollInterval(Duration.ofSeconds(30))
                .build()) {
            StreamSpec stream = StreamSpec.of(name, PARTITIONS);
            log.createStream(stream);
            Future<?> appending = threads.submit(() -> append(log, stream, acknowledged, failedAppends, stop));
            Future<?> consuming = threads.submit(() -> consume(log, stream, received, consumerState, stopConsuming));

            eventually("300 appends are acknowledged", () -> acknowledged.size() >= 300,
                    () -> acknowledged.size() + " acknowledged, " + failedAppends.get() + " failed");
            SharedKafkaBroker.restart(Duration.ofSeconds(1));
            int atRestart = acknowledged.size();
            eventually("300 more appends are acknowledged after the restart", () -> acknowledged.size() >= atRestart + 300,
                    () -> acknowledged.size() + " acknowledged, " + failedAppends.get() + " failed");
            stop.set(true);
            appending.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> expected = Set.copyOf(acknowledged);

            Set<String> stored = new java.util.HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                stored.addAll(readAll(log, stream.partition(p)));
            }
            assertTrue(stored.containsAll(expected), "acknowledged but lost: " + difference(expected, stored));
            eventually("the group member received every acknowledged event", () -> {
                if (consuming.isDone()) {
                    return true; // its failure surfaces below, with the cause
                }
                return received.containsAll(expected);
            }, () -> "missing " + describeMissing(expected, received) + "; member " + consumerState.get());
            if (consuming.isDone() && !received.containsAll(expected)) {
                consuming.get(); // throws the member's failure
                fail("the group member stopped before receiving " + describeMissing(expected, received));
            }
            stopConsuming.set(true);
            consuming.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(expected.size() >= 600, "appends went on after the restart: " + expected.size());
            // Appends caught by the restart may fail; a failed one must then be invisible.
            assertEquals(Set.of(), difference(stored, Set.copyOf(acknowledged)), "visible but never acknowledged");
        } finally {
            stop.set(true);
            stopConsuming.set(true);
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

    private static void consume(KafkaEventLog log, StreamSpec stream, Set<String> received,
                                AtomicReference<String> state, AtomicBoolean stop) {
        try (GroupMember member = log.joinGroup("restart-" + stream.name(), Set.of(stream.name()), RebalanceListener.NONE)) {
            while (!stop.get()) {
                List<LogEntry> entries = member.poll(Duration.ofMillis(100));
                state.set("assigned " + member.assignment() + ", generation " + member.groupMetadata().generation()
                        + ", last poll " + entries.size() + " entries");
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

    /** Values in {@code expected} not in {@code actual}, counted per partition (the appender used value % 3). */
    private static String describeMissing(Set<String> expected, Set<String> actual) {
        Map<Integer, List<Integer>> missing = new java.util.TreeMap<>();
        for (String value : difference(expected, actual)) {
            int n = Integer.parseInt(value.substring(2));
            missing.computeIfAbsent(n % PARTITIONS, p -> new ArrayList<>()).add(n);
        }
        StringBuilder text = new StringBuilder();
        missing.forEach((partition, values) -> {
            java.util.Collections.sort(values);
            text.append("partition ").append(partition).append(": ").append(values.size())
                    .append(" from e-").append(values.get(0)).append(" to e-").append(values.get(values.size() - 1))
                    .append("; ");
        });
        return text.length() == 0 ? "nothing" : text.toString();
    }

    private static void eventually(String what, BooleanSupplier condition, Supplier<String> diagnosis)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + PATIENCE + " waiting until " + what + ": " + diagnosis.get());
            }
            Thread.sleep(20);
        }
    }
}
