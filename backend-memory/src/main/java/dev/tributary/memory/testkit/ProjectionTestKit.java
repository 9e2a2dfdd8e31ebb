package dev.tributary.memory.testkit;

import dev.tributary.api.Beta;
import dev.tributary.api.Event;
import dev.tributary.api.GroupHandle;
import dev.tributary.api.GroupStatus;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.Processor;
import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.internal.EventCodec;
import dev.tributary.memory.InMemoryEventLog;
import dev.tributary.spi.LogEntry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Tests a projection or a processor in a few lines: given events, run it until it has seen them, then look at the
 * read model or at what it emitted. Everything is in memory and private to one kit: an {@link InMemoryEventLog}, a
 * fresh HSQLDB database with tables for the given entity classes, and a clock the test sets.
 *
 * <pre>{@code
 * try (ProjectionTestKit kit = ProjectionTestKit.create(Balance.class)) {
 *     kit.given("accounts", "acc-1", new Deposited("acc-1", 10))
 *        .given("accounts", "acc-1", new Withdrawn("acc-1", 3))
 *        .run(Projection.exactlyOnce("balances").streams("accounts")
 *                 .entityManagerFactory(kit.entityManagerFactory())
 *                 .eventHandlers(new BalanceProjection()).build());
 *
 *     assertEquals(7, kit.find(Balance.class, "acc-1").amount());
 * }
 * }</pre>
 *
 * <p>A processor is tested the same way, reading what it emitted instead of a read model. The log has only the
 * streams the test uses, so declare the ones the processor emits to:
 *
 * <pre>{@code
 * kit.stream("receipts", 1)
 *    .given("payments", "pay-1", new Paid("pay-1", 10))
 *    .run(Processor.named("receipts").streams("payments")
 *             .handler((event, emitter) -> emitter.emit("receipts", event.key(), new Receipt(event.key())))
 *             .build());
 *
 * assertEquals(List.of(new Receipt("pay-1")), kit.emitted("receipts").stream().map(Event::payload).toList());
 * }</pre>
 *
 * <p>{@link #run} starts a projection or processor the first time and waits until it has handled every event given
 * so far; give more events and run it again to test what happens next. A stream is created with one partition when
 * first given or consumed, unless {@link #stream} declared it first; a stream that is only emitted to must be
 * declared, as it would exist before the processor in production. The kit registers no aggregates, so a processor
 * that sends commands fails its run with a {@code NoHandlerForCommandException}. Events are stamped by the kit's
 * clock, which stands still until the test moves it. Not thread-safe: one test drives one kit.
 */
@Beta
public final class ProjectionTestKit implements AutoCloseable {

    /** How long {@link #run} waits for a projection to catch up before it fails the test. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final SettableClock clock = new SettableClock(Instant.now());
    private final EventCodec codec = EventCodec.withDefaults(clock);
    private final InMemoryEventLog log = InMemoryEventLog.create();
    private final String jdbcUrl;
    private final EntityManagerFactory entityManagerFactory;
    private final Tributary tributary;
    private final Map<String, ProjectionHandle> projections = new LinkedHashMap<>();
    private final Map<String, GroupHandle> processors = new LinkedHashMap<>();
    /** The offsets {@link #given} wrote, which {@link #emitted} leaves out. */
    private final Map<StreamPartition, Set<Long>> givenOffsets = new HashMap<>();

    private ProjectionTestKit(Class<?>[] entityClasses) {
        String database = "tributary_testkit_" + UUID.randomUUID().toString().replace("-", "");
        // MVCC behaves like the databases projections run on in production: writers do not lock whole tables.
        this.jdbcUrl = "jdbc:hsqldb:mem:" + database + ";hsqldb.tx=mvcc";
        this.entityManagerFactory = new HibernatePersistenceConfiguration(database)
                .managedClasses(List.of(entityClasses))
                .jdbcUrl(jdbcUrl)
                .jdbcCredentials("SA", "")
                .schemaToolingAction(Action.CREATE)
                .createEntityManagerFactory();
        try {
            this.tributary = Tributary.builder().eventLog(log).clock(clock).instanceId("testkit").build();
        } catch (RuntimeException e) {
            entityManagerFactory.close();
            log.close();
            throw e;
        }
    }

    /**
     * A kit with a fresh in-memory database holding tables for these JPA entity classes (none for a projection that
     * keeps its read model elsewhere).
     */
    public static ProjectionTestKit create(Class<?>... entityClasses) {
        Objects.requireNonNull(entityClasses, "entityClasses");
        for (Class<?> type : entityClasses) {
            Objects.requireNonNull(type, "an entity class");
        }
        return new ProjectionTestKit(entityClasses.clone());
    }

    /**
     * Declares a stream: one with more than one partition, or one that only processors write to. Call it before the
     * stream's first event.
     */
    public ProjectionTestKit stream(String stream, int partitions) {
        log.createStream(new StreamSpec(stream, partitions));
        return this;
    }

    /** Publishes an event onto a stream under a key (the key picks the partition), stamped by the kit's clock. */
    public ProjectionTestKit given(String stream, String key, Object event) {
        return given(stream, key, event, Map.of());
    }

    public ProjectionTestKit given(String stream, String key, Object event, Map<String, ?> metaData) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        ensureStream(stream);
        StreamPartition partition = log.partitionFor(stream, key);
        List<Long> offsets = log.append(partition, List.of(codec.encodeEvent(key, event, metaData))).join();
        givenOffsets.computeIfAbsent(partition, p -> new HashSet<>()).addAll(offsets);
        return this;
    }

    /**
     * Starts the projection if this kit has not started its group yet, then waits until it has handled every event
     * given so far.
     *
     * @throws AssertionError           if it does not catch up within 30 seconds or one of its partitions stopped;
     *                                  the handler's error is the cause
     * @throws IllegalArgumentException if this kit ran a processor of the same group
     */
    public ProjectionTestKit run(Projection projection) {
        Objects.requireNonNull(projection, "projection");
        refuseGroupOfOtherKind(processors, projection.group(), "processor", "projection");
        projection.streams().forEach(this::ensureStream);
        ProjectionHandle handle = projections.computeIfAbsent(projection.group(), group -> tributary.start(projection));
        awaitCaughtUp(handle, "projection '" + projection.group() + "'");
        return this;
    }

    /**
     * Starts the processor if this kit has not started its group yet, then waits until it has handled every event
     * given so far; what it emitted for them is then in the log (see {@link #emitted}). The streams it emits to must
     * exist: declare them with {@link #stream}.
     *
     * @throws AssertionError           if it does not catch up within 30 seconds or one of its partitions stopped;
     *                                  the handler's error is the cause
     * @throws IllegalArgumentException if this kit ran a projection of the same group
     */
    public ProjectionTestKit run(Processor processor) {
        Objects.requireNonNull(processor, "processor");
        refuseGroupOfOtherKind(projections, processor.group(), "projection", "processor");
        processor.streams().forEach(this::ensureStream);
        GroupHandle handle = processors.computeIfAbsent(processor.group(), group -> tributary.start(processor));
        awaitCaughtUp(handle, "processor '" + processor.group() + "'");
        return this;
    }

    /**
     * Every event on the stream that {@link #given} did not write: what processors emitted, or anything written
     * through {@link #eventLog()}. Order holds within a partition, not across: partition 0's events in log order,
     * then partition 1's, and so on.
     *
     * @throws IllegalArgumentException naming the stream if the kit's log does not have it
     */
    public List<Event> emitted(String stream) {
        Objects.requireNonNull(stream, "stream");
        StreamSpec spec = log.findStream(stream).orElseThrow(() -> new IllegalArgumentException(
                "stream '" + stream + "' does not exist in the kit's log; declare it with stream(name, partitions)"));
        List<Event> emitted = new ArrayList<>();
        for (int p = 0; p < spec.partitions(); p++) {
            StreamPartition partition = spec.partition(p);
            Set<Long> given = givenOffsets.getOrDefault(partition, Set.of());
            for (LogEntry entry : readAll(partition)) {
                if (!given.contains(entry.offset())) {
                    emitted.add(codec.decode(entry));
                }
            }
        }
        return emitted;
    }

    /** The handle of a projection this kit started, to replay it or restart a partition. */
    public ProjectionHandle handle(String group) {
        ProjectionHandle handle = projections.get(group);
        if (handle == null) {
            throw new IllegalArgumentException("projection '" + group + "' was not run by this kit; run: "
                    + projections.keySet());
        }
        return handle;
    }

    /** The database the read model lives in; pass it to {@code Projection.exactlyOnce(..).entityManagerFactory}. */
    public EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    /** The entity with this id, read in a transaction of its own; {@code null} if there is none. */
    public <T> T find(Class<T> entityClass, Object id) {
        return inTransaction(em -> em.find(entityClass, id));
    }

    /** The result of a JPQL query, read in a transaction of its own. */
    public <T> List<T> query(String jpql, Class<T> resultClass) {
        return inTransaction(em -> em.createQuery(jpql, resultClass).getResultList());
    }

    /** Runs {@code work} against the read model in a transaction of its own, and commits. */
    public <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = entityManagerFactory.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    /** The kit's log, for tests that need more than given events. */
    public InMemoryEventLog eventLog() {
        return log;
    }

    /** The time the next given event is stamped with. */
    public Instant now() {
        return clock.instant();
    }

    /** Sets the clock, to whole milliseconds (what the log keeps). */
    public ProjectionTestKit setTime(Instant instant) {
        clock.set(Objects.requireNonNull(instant, "instant"));
        return this;
    }

    public ProjectionTestKit advanceTime(Duration duration) {
        clock.set(clock.instant().plus(Objects.requireNonNull(duration, "duration")));
        return this;
    }

    /** Stops the projections and processors, then drops the database and the log. */
    @Override
    public void close() {
        try {
            tributary.close();
        } finally {
            try {
                entityManagerFactory.close();
                shutDownDatabase();
            } finally {
                log.close();
            }
        }
    }

    private void ensureStream(String stream) {
        if (log.findStream(stream).isEmpty()) {
            log.createStream(new StreamSpec(stream, 1));
        }
    }

    /** The kit keys its groups by name; one name for two kinds of group would make them share offsets. */
    private static void refuseGroupOfOtherKind(Map<String, ? extends GroupHandle> others, String group,
                                               String otherKind, String kind) {
        if (others.containsKey(group)) {
            throw new IllegalArgumentException("group '" + group + "' was run by this kit as a " + otherKind
                    + "; a " + kind + " needs a group of its own");
        }
    }

    private static void awaitCaughtUp(GroupHandle handle, String what) {
        boolean caughtUp;
        try {
            caughtUp = handle.awaitCaughtUp(CATCH_UP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + what + " caught up", e);
        }
        if (!caughtUp) {
            GroupStatus status = handle.status();
            if (status.stoppedPartitions().isEmpty()) {
                throw new AssertionError(what + " did not catch up within " + CATCH_UP_TIMEOUT + ": " + status);
            }
            Throwable cause = status.stoppedPartitions().get(0).failure().orElseThrow().cause();
            String hint = cause instanceof UnknownStreamException unknown
                    ? "declare stream '" + unknown.stream() + "' with the kit's stream(name, partitions)" : "";
            throw new AssertionError(what + " stopped: " + describeStopped(status) + hint, cause);
        }
    }

    /** Every committed entry of the partition, in offset order; offsets may have gaps, so it follows the entries. */
    private List<LogEntry> readAll(StreamPartition partition) {
        List<LogEntry> entries = new ArrayList<>();
        long end = log.endOffset(partition);
        long next = log.beginningOffset(partition);
        while (next < end) {
            List<LogEntry> read = log.read(partition, next, 500, Duration.ZERO);
            if (read.isEmpty()) {
                break;
            }
            for (LogEntry entry : read) {
                if (entry.offset() < end) {
                    entries.add(entry);
                }
            }
            next = read.get(read.size() - 1).nextOffset();
        }
        return entries;
    }

    private void shutDownDatabase() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "SA", "");
             Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("could not shut the test kit's database down: " + e.getMessage(), e);
        }
    }

    private static String describeStopped(GroupStatus status) {
        StringBuilder text = new StringBuilder();
        for (PartitionStatus p : status.stoppedPartitions()) {
            p.failure().ifPresent(f -> text.append(p.partition()).append(" at offset ").append(f.offset())
                    .append(" after ").append(f.attempts()).append(" attempt(s): ").append(f.error()).append("; "));
        }
        return text.toString();
    }

    /** A clock that stands still until the test moves it. Thread-safe: projections read it from their threads. */
    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            set(start);
        }

        void set(Instant instant) {
            now = instant.truncatedTo(ChronoUnit.MILLIS);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the test kit's clock stays in UTC");
        }
    }
}
