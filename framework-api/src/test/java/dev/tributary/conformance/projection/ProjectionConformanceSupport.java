package dev.tributary.conformance.projection;

import dev.tributary.api.GroupHandle;
import dev.tributary.api.NoHandlerForCommandException;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.command.CommandRouter;
import dev.tributary.internal.projection.ProjectionRuntime;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.KeyPartitioner;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import jakarta.persistence.EntityManager;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the projection and processor suites share: a fresh log per test from the backend's fixture, a test clock,
 * runtimes standing in for Tributary instances, read-model databases, publishing helpers, and bounded waits that end
 * as soon as their condition holds. Everything a test opens is closed after it.
 *
 * <p>A backend does not extend this class directly; it extends each suite and returns its fixture.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class ProjectionConformanceSupport {

    /** The backend under test. Called once per test, before the test opens its log. */
    protected abstract ConformanceFixture fixture();

    ConformanceFixture backend;
    EventLog log;
    TestClock clock;
    EventCodec codec;

    /** Runtimes are closed before databases, whatever order a test opened them in: members still write to them. */
    private final Deque<ProjectionRuntime> runtimes = new ArrayDeque<>();
    private final Deque<ReadModelDatabase> databases = new ArrayDeque<>();

    @BeforeEach
    final void openLog() {
        backend = fixture();
        log = backend.createEventLog();
        clock = new TestClock(Instant.now());
        codec = EventCodec.withDefaults(clock);
    }

    @AfterEach
    final void closeEverything() throws Exception {
        Exception failure = null;
        List<AutoCloseable> opened = new ArrayList<>(runtimes);
        opened.addAll(databases);
        for (AutoCloseable closeable : opened) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        log.close();
        if (failure != null) {
            throw failure;
        }
    }

    // ---- time ------------------------------------------------------------------------------------------------

    /** The longest any single condition may take: a rebalance, or a member timing out and the group reacting. */
    final Duration patience() {
        return Duration.ofSeconds(60).plus(backend.memberTimeout().multipliedBy(3));
    }

    /** Waits until {@code done} holds; fails after {@link #patience()}. */
    final void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + patience().toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + patience() + " waiting until " + what);
            }
            sleep(10);
        }
    }

    /** Waits for a latch a handler counts down; fails after {@link #patience()}. */
    final void await(String what, CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(patience().toMillis(), TimeUnit.MILLISECONDS), "gave up waiting until " + what);
    }

    final void assertCaughtUp(GroupHandle handle) throws InterruptedException {
        if (!handle.awaitCaughtUp(patience())) {
            fail("group '" + handle.group() + "' did not catch up within " + patience() + ": " + handle.status());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    // ---- what a test opens -------------------------------------------------------------------------------------

    /** A runtime standing in for one Tributary instance; closed after the test unless the test closes it first. */
    final ProjectionRuntime runtime() {
        ProjectionRuntime runtime = new ProjectionRuntime(log, codec, "instance-" + (runtimes.size() + 1),
                new TestCommandRouter());
        runtimes.push(runtime);
        return runtime;
    }

    final ReadModelDatabase database() {
        ReadModelDatabase database = ReadModelDatabase.create(SeenEvent.class, HandledEvent.class, PartitionCount.class);
        databases.push(database);
        return database;
    }

    final StreamSpec newStream(String base, int partitions) {
        StreamSpec spec = StreamSpec.of(backend.unique(base), partitions);
        log.createStream(spec);
        return spec;
    }

    final String newGroup(String base) {
        return backend.unique(base);
    }

    // ---- events ------------------------------------------------------------------------------------------------

    /** Publishes {@code count} events spread over the stream's partitions by key, in order within each partition. */
    final List<TestEvent> publish(StreamSpec stream, int count) {
        return publish(stream, count, "");
    }

    final List<TestEvent> publish(StreamSpec stream, int count, String tag) {
        Map<StreamPartition, List<LogRecord>> byPartition = new LinkedHashMap<>();
        List<TestEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            TestEvent event = new TestEvent(UUID.randomUUID().toString(), i, tag);
            String key = "key-" + (i % 64);
            byPartition.computeIfAbsent(log.partitionFor(stream.name(), key), p -> new ArrayList<>())
                    .add(codec.encodeEvent(key, event, Map.of("source", "suite")));
            events.add(event);
        }
        byPartition.forEach((p, records) -> {
            for (int from = 0; from < records.size(); from += 100) {
                log.append(p, records.subList(from, Math.min(records.size(), from + 100))).join();
            }
        });
        return events;
    }

    /** Publishes one payload to a given partition. */
    final void publishTo(StreamPartition partition, Object payload) {
        String key = keyFor(partition);
        log.append(partition, List.of(codec.encodeEvent(key, payload, Map.of()))).join();
    }

    /** A key that lands on the partition. */
    final String keyFor(StreamPartition partition) {
        int partitions = log.stream(partition.stream()).partitions();
        for (int i = 0; ; i++) {
            String key = "k" + i;
            if (KeyPartitioner.partitionFor(key, partitions) == partition.partition()) {
                return key;
            }
        }
    }

    /**
     * Every committed entry of a stream. The offsets just before the end may never be returned (commit markers,
     * aborted records), so a read that finds nothing for a moment ends the partition: committed entries are there
     * at once.
     */
    final List<LogEntry> readAll(StreamSpec stream) {
        List<LogEntry> all = new ArrayList<>();
        for (int p = 0; p < stream.partitions(); p++) {
            StreamPartition partition = stream.partition(p);
            long end = log.endOffset(partition);
            long from = log.beginningOffset(partition);
            while (from < end) {
                List<LogEntry> entries = log.read(partition, from, 1000, Duration.ofMillis(100));
                if (entries.isEmpty()) {
                    break;
                }
                all.addAll(entries);
                from = entries.get(entries.size() - 1).nextOffset();
            }
        }
        return all;
    }

    // ---- read models -------------------------------------------------------------------------------------------

    /** What the exactly-once suites' handlers write per event: a unique row and a per-partition count. */
    static void record(String group, dev.tributary.api.Event event, EntityManager em) {
        TestEvent payload = event.payload(TestEvent.class);
        em.persist(new SeenEvent(group, payload.id(), event.stream(), event.partition(), event.offset()));
        String id = PartitionCount.idOf(group, event.stream(), event.partition());
        PartitionCount count = em.find(PartitionCount.class, id);
        if (count == null) {
            count = new PartitionCount(group, event.stream(), event.partition());
            em.persist(count);
        }
        count.increment();
    }

    static long seen(ReadModelDatabase db, String group) {
        return db.inTransaction(em -> em.createQuery(
                "select count(s) from SeenEvent s where s.groupName = :g", Long.class).setParameter("g", group)
                .getSingleResult());
    }

    static long counted(ReadModelDatabase db, String group) {
        return db.inTransaction(em -> em.createQuery(
                "select coalesce(sum(c.handled), 0) from PartitionCount c where c.groupName = :g", Long.class)
                .setParameter("g", group).getSingleResult());
    }

    static Set<String> seenIds(ReadModelDatabase db, String group) {
        List<String> ids = db.inTransaction(em -> em.createQuery(
                "select s.eventId from SeenEvent s where s.groupName = :g", String.class).setParameter("g", group)
                .getResultList());
        return new TreeSet<>(ids);
    }

    static Set<String> idsOf(List<TestEvent> events) {
        Set<String> ids = new TreeSet<>();
        events.forEach(e -> ids.add(e.id()));
        return ids;
    }

    static PartitionStatus statusOf(GroupHandle handle, StreamPartition partition) {
        return handle.status().partitions().stream().filter(s -> s.partition().equals(partition)).findFirst()
                .orElseThrow(() -> new AssertionError(partition + " is not in " + handle.status()));
    }

    /** Routes {@link TestCommand}s to the stream they name, keyed by target, as the command side would. */
    final class TestCommandRouter implements CommandRouter {
        @Override
        public RoutedCommand route(Object command, Map<String, ?> metaData) {
            if (!(command instanceof TestCommand c)) {
                throw new NoHandlerForCommandException("no aggregate handles " + command.getClass().getName());
            }
            return new RoutedCommand(log.partitionFor(c.stream(), c.target()),
                    codec.encodeCommand(new GenericCommandMessage<>(c, metaData), c.target()));
        }
    }
}
