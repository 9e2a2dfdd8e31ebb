package dev.tributary.conformance.projection;

import dev.tributary.api.Event;
import dev.tributary.api.ExactlyOnceProjection;
import dev.tributary.api.ExactlyOnceHandler;
import dev.tributary.api.GroupActiveException;
import dev.tributary.api.PartitionFailure;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.ResetPosition;
import dev.tributary.api.RetryPolicy;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.internal.projection.ProjectionRuntime;
import dev.tributary.spi.LogEntry;
import jakarta.persistence.EntityManager;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once projections on a backend: read-model writes and offsets commit in one database transaction, fenced
 * by the claiming member's generation, whatever the group's members do. Runs on the read-model database the build
 * names ({@link ReadModelDatabase}).
 */
public abstract class ExactlyOnceProjectionConformance extends ProjectionConformanceSupport {

    @Test
    void two_groups_each_see_every_event() throws Exception {
        StreamSpec stream = newStream("orders", 3);
        ReadModelDatabase db = database();
        String first = newGroup("first");
        String second = newGroup("second");
        List<TestEvent> events = publish(stream, 300);

        ProjectionRuntime runtime = runtime();
        ProjectionHandle a = runtime.start(Projection.exactlyOnce(first).streams(stream.name())
                .entityManagerFactory(db.entityManagerFactory()).handler((e, em) -> record(first, e, em)).build());
        ProjectionHandle b = runtime.start(Projection.exactlyOnce(second).streams(stream.name())
                .entityManagerFactory(db.entityManagerFactory()).eventHandlers(new AnnotatedRecorder(second)).build());
        assertCaughtUp(a);
        assertCaughtUp(b);

        assertEquals(idsOf(events), seenIds(db, first));
        assertEquals(idsOf(events), seenIds(db, second));
        assertEquals(300, counted(db, first));
        assertEquals(300, counted(db, second));
    }

    @Test
    void a_rebalance_while_events_flow_delivers_every_event_exactly_once() throws Exception {
        StreamSpec stream = newStream("flow", 8);
        ReadModelDatabase db = database();
        String group = newGroup("flow");
        ExactlyOnceProjection projection = Projection.exactlyOnce(group).streams(stream.name())
                .entityManagerFactory(db.entityManagerFactory()).handler((e, em) -> record(group, e, em)).build();
        ProjectionRuntime first = runtime();
        ProjectionRuntime second = runtime();
        ProjectionRuntime third = runtime();

        List<TestEvent> events = new ArrayList<>();
        ProjectionHandle a = first.start(projection);
        ProjectionHandle b = null;
        ProjectionHandle c = null;
        for (int round = 0; round < 20; round++) {
            events.addAll(publish(stream, 500));
            switch (round) {
                case 2 -> b = second.start(projection);
                case 5 -> c = third.start(projection);
                case 9 -> a.close();
                case 12 -> a = first.start(projection);
                case 15 -> b.close();
                default -> sleep(20);
            }
        }
        assertCaughtUp(c);

        assertEquals(10_000, events.size());
        assertEquals(10_000, seen(db, group), "each event recorded once");
        assertEquals(10_000, counted(db, group), "each event counted once");
        assertEquals(idsOf(events), seenIds(db, group));
        assertTrue(a.status().stoppedPartitions().isEmpty(), a.status()::toString);
    }

    @Test
    void starting_a_projection_twice_gives_two_members_of_one_group() throws Exception {
        StreamSpec stream = newStream("twice", 4);
        ReadModelDatabase db = database();
        String group = newGroup("twice");
        ExactlyOnceProjection projection = replayable(group, stream, db, new AtomicInteger());
        ProjectionRuntime runtime = runtime();
        ProjectionHandle first = runtime.start(projection);
        ProjectionHandle second = runtime.start(projection);
        List<TestEvent> events = publish(stream, 400);

        await("both members own partitions", () -> Set.copyOf(log.describeGroup(group).owners().values())
                .equals(Set.of(first.memberId(), second.memberId())));
        assertCaughtUp(first);
        assertEquals(idsOf(events), seenIds(db, group));
        assertEquals(400, counted(db, group));
    }

    @Test
    void closing_a_member_finishes_its_batch_in_flight_and_commits_it() throws Exception {
        StreamSpec stream = newStream("closing", 1);
        ReadModelDatabase db = database();
        String group = newGroup("closing");
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ProjectionRuntime runtime = runtime();
        ProjectionHandle handle = runtime.start(Projection.exactlyOnce(group).streams(stream.name())
                .entityManagerFactory(db.entityManagerFactory())
                .handler((event, em) -> {
                    record(group, event, em);
                    inFlight.countDown();
                    release.await(patience().toMillis(), TimeUnit.MILLISECONDS);
                }).build());
        List<TestEvent> events = publish(stream, 20);
        await("a batch is in flight", inFlight);

        Thread closing = new Thread(handle::close);
        closing.start();
        // Well within the member timeout, so that the log does not take the partition away meanwhile.
        sleep(Math.min(200, backend.memberTimeout().toMillis() / 4));
        release.countDown();
        closing.join(patience().toMillis());

        assertFalse(closing.isAlive(), "close() returned");
        assertTrue(seen(db, group) >= 1, "the batch in flight was committed");
        PartitionStatus status = runtime.status(group).partitions().get(0);
        assertEquals(seen(db, group), events.size() - countAfter(status, events.size()),
                "what is stored matches what was committed");
        assertTrue(status.owner().isEmpty(), "the member left the group");
    }

    /** How many of the partition's events lie after its stored offset (one entry per event, one marker per append). */
    private long countAfter(PartitionStatus status, int published) {
        List<Long> offsets = log.read(status.partition(), 0, published, Duration.ofSeconds(5)).stream()
                .map(LogEntry::offset).toList();
        long stored = status.storedOffset().orElse(0);
        return offsets.stream().filter(o -> o >= stored).count();
    }

    @Test
    void a_member_evicted_mid_batch_cannot_commit_it() throws Exception {
        StreamSpec stream = newStream("fenced", 2);
        ReadModelDatabase db = database();
        String group = newGroup("fenced");
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean blockOnce = new AtomicBoolean(true);
        ExactlyOnceHandler slow = (event, em) -> {
            em.persist(new HandledEvent(group, event.payload(TestEvent.class).id()));
            if ("block".equals(event.payload(TestEvent.class).tag()) && blockOnce.compareAndSet(true, false)) {
                blocked.countDown();
                // Stops this member's polling for longer than the log allows, as a long GC pause would.
                release.await(patience().toMillis(), TimeUnit.MILLISECONDS);
            }
        };
        ExactlyOnceHandler healthy = (event, em) -> em.persist(new HandledEvent(group, event.payload(TestEvent.class).id()));

        ProjectionRuntime zombieRuntime = runtime();
        ProjectionHandle zombie = zombieRuntime.start(exactlyOnce(group, stream, db, slow));
        List<TestEvent> events = new ArrayList<>(publish(stream, 100));
        assertCaughtUp(zombie);
        events.addAll(publish(stream, 100, "block"));
        await("the first member is blocked in its handler", blocked);

        ProjectionHandle taker = runtime().start(exactlyOnce(group, stream, db, healthy));
        assertCaughtUp(taker);
        release.countDown();
        zombieRuntime.close(); // returns once the released batch has ended, committed or not

        // The blocked batch wrote at least the blocking event's row; had it committed, that row would be there twice.
        assertEquals(200, handledRows(db, group, false), "no event of the evicted member's batch was committed twice");
        assertEquals(200, handledRows(db, group, true));
        assertCaughtUp(taker);
    }

    @Test
    void a_failing_handler_rolls_back_read_model_and_offsets_together_and_stops_only_its_partition() throws Exception {
        Poisoned scenario = poisoned();
        PartitionStatus bad = statusOf(scenario.handle, scenario.bad);
        PartitionFailure failure = bad.failure().orElseThrow();

        assertEquals(3, failure.attempts());
        assertTrue(failure.error().contains("IllegalStateException") && failure.error().contains("poisoned"),
                failure.error());
        assertEquals(bad.storedOffset().orElseThrow(), failure.offset(),
                "the partition stopped at its stored offset: the failed batch's offsets were rolled back");
        assertEquals(5, seenIn(scenario.db, scenario.group, scenario.bad),
                "the failed batch's read-model writes were rolled back with its offsets");
        await("the healthy partition caught up", () -> {
            PartitionStatus good = statusOf(scenario.handle, scenario.good);
            return good.storedOffset().orElse(-1) >= log.endOffset(scenario.good) && !good.stopped();
        });
        assertEquals(10, seenIn(scenario.db, scenario.group, scenario.good));
        assertFalse(scenario.handle.awaitCaughtUp(patience()), "a stopped partition is never caught up");
    }

    @Test
    void a_restarted_partition_resumes_from_its_stored_offset() throws Exception {
        Poisoned scenario = poisoned();
        scenario.broken.set(false);
        scenario.handle.restart(scenario.bad);

        assertCaughtUp(scenario.handle);
        assertEquals(19, seen(scenario.db, scenario.group));
        assertEquals(19, counted(scenario.db, scenario.group));
        assertTrue(scenario.handle.status().stoppedPartitions().isEmpty());
    }

    /** Partition 0 gets 5 events, then a poisoned one and 3 more; partition 1 gets 10. Returns once 0 stopped. */
    private Poisoned poisoned() throws Exception {
        StreamSpec stream = newStream("poisoned", 2);
        ReadModelDatabase db = database();
        String group = newGroup("poisoned");
        AtomicBoolean broken = new AtomicBoolean(true);
        ProjectionHandle handle = runtime().start(Projection.exactlyOnce(group).streams(stream.name())
                .entityManagerFactory(db.entityManagerFactory())
                .retry(RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(20)))
                .handler((event, em) -> {
                    record(group, event, em);
                    TestEvent payload = event.payload(TestEvent.class);
                    if ("poison".equals(payload.tag()) && broken.get()) {
                        throw new IllegalStateException("poisoned " + payload.id());
                    }
                }).build());
        StreamPartition bad = stream.partition(0);
        StreamPartition good = stream.partition(1);
        for (int i = 0; i < 5; i++) {
            publishTo(bad, new TestEvent("bad-" + i, i, ""));
            publishTo(good, new TestEvent("good-" + i, i, ""));
        }
        assertCaughtUp(handle);
        publishTo(bad, new TestEvent("bad-poison", 5, "poison"));
        for (int i = 6; i < 9; i++) {
            publishTo(bad, new TestEvent("bad-" + i, i, ""));
        }
        for (int i = 5; i < 10; i++) {
            publishTo(good, new TestEvent("good-" + i, i, ""));
        }
        await("partition " + bad + " stopped", () -> statusOf(handle, bad).stopped());
        return new Poisoned(db, group, handle, bad, good, broken);
    }

    private record Poisoned(ReadModelDatabase db, String group, ProjectionHandle handle, StreamPartition bad,
                            StreamPartition good, AtomicBoolean broken) {
    }

    @Test
    void a_replay_from_the_beginning_rebuilds_the_read_model() throws Exception {
        StreamSpec stream = newStream("rebuild", 2);
        ReadModelDatabase db = database();
        String group = newGroup("rebuild");
        AtomicInteger handled = new AtomicInteger();
        List<TestEvent> events = publish(stream, 100);
        ProjectionHandle handle = runtime().start(replayable(group, stream, db, handled));
        assertCaughtUp(handle);

        handle.replay(ResetPosition.beginning());
        assertCaughtUp(handle);

        assertEquals(200, handled.get(), "every event was handled again");
        assertEquals(idsOf(events), seenIds(db, group));
        assertEquals(100, counted(db, group));
    }

    @Test
    void a_replay_from_offsets_moves_only_the_named_partitions() throws Exception {
        StreamSpec stream = newStream("partial", 2);
        ReadModelDatabase db = database();
        String group = newGroup("partial");
        AtomicInteger handled = new AtomicInteger();
        StreamPartition moved = stream.partition(0);
        StreamPartition kept = stream.partition(1);
        for (int i = 0; i < 10; i++) {
            publishTo(moved, new TestEvent("moved-" + i, i, ""));
            publishTo(kept, new TestEvent("kept-" + i, i, ""));
        }
        ProjectionHandle handle = runtime().start(replayable(group, stream, db, handled));
        assertCaughtUp(handle);
        long sixth = log.read(moved, 0, 10, Duration.ofSeconds(5)).get(5).offset();

        handle.replay(ResetPosition.offsets(Map.of(moved, sixth)));
        assertCaughtUp(handle);

        assertEquals(25, handled.get(), "only the moved partition's events from the sixth on were handled again");
        assertEquals(Set.of("moved-5", "moved-6", "moved-7", "moved-8", "moved-9"), seenIds(db, group));
        assertEquals(log.endOffset(kept), statusOf(handle, kept).storedOffset().orElseThrow(),
                "the partition not named kept its offset");
    }

    @Test
    void a_replay_from_a_timestamp_starts_at_the_first_event_at_or_after_it() throws Exception {
        StreamSpec stream = newStream("timed", 2);
        ReadModelDatabase db = database();
        String group = newGroup("timed");
        Instant start = Instant.now().minus(Duration.ofMinutes(10));
        clock.set(start);
        publish(stream, 20);
        clock.set(start.plus(Duration.ofMinutes(5)));
        List<TestEvent> later = publish(stream, 20);
        ProjectionHandle handle = runtime().start(replayable(group, stream, db, new AtomicInteger()));
        assertCaughtUp(handle);

        handle.replay(ResetPosition.timestamp(start.plus(Duration.ofMinutes(5))));
        assertCaughtUp(handle);

        assertEquals(idsOf(later), seenIds(db, group));
    }

    @Test
    void a_replay_is_refused_while_a_member_in_another_process_consumes_the_group() throws Exception {
        StreamSpec stream = newStream("shared", 2);
        ReadModelDatabase db = database();
        String group = newGroup("shared");
        ExactlyOnceProjection projection = replayable(group, stream, db, new AtomicInteger());
        ProjectionHandle here = runtime().start(projection);
        ProjectionHandle elsewhere = runtime().start(projection);
        publish(stream, 50);
        assertCaughtUp(here);
        await("both members own a partition", () -> Set.copyOf(log.describeGroup(group).owners().values())
                .equals(Set.of(here.memberId(), elsewhere.memberId())));

        assertThrows(GroupActiveException.class, () -> here.replay(ResetPosition.beginning()));

        List<TestEvent> more = publish(stream, 50);
        assertCaughtUp(here);
        assertTrue(seenIds(db, group).containsAll(idsOf(more)), "the members kept consuming");
        assertEquals(100, counted(db, group), "nothing was reset");
    }

    @Test
    void a_lone_event_on_an_idle_log_is_committed_at_once() throws Exception {
        StreamSpec stream = newStream("idle", 1);
        ReadModelDatabase db = database();
        String group = newGroup("idle");
        ProjectionHandle handle = runtime().start(Projection.exactlyOnce(group).streams(stream.name())
                .entityManagerFactory(db.entityManagerFactory()).handler((e, em) -> record(group, e, em))
                // A batch that waited to fill up would wait this long; a lone event must not.
                .maxBatchWait(Duration.ofSeconds(60)).build());
        assertCaughtUp(handle);

        publishTo(stream.partition(0), new TestEvent("lonely", 0, ""));

        assertTrue(handle.awaitCaughtUp(Duration.ofSeconds(5)), () -> "not caught up: " + handle.status());
        assertEquals(Set.of("lonely"), seenIds(db, group));
        assertEquals(0, handle.status().totalLag());
    }

    @Test
    void the_offsets_live_in_the_read_model_database_not_in_the_log() throws Exception {
        StreamSpec stream = newStream("stored", 3);
        ReadModelDatabase db = database();
        String group = newGroup("stored");
        publish(stream, 60);
        ProjectionHandle handle = runtime().start(Projection.exactlyOnce(group).streams(stream.name())
                .entityManagerFactory(db.entityManagerFactory()).handler((e, em) -> record(group, e, em)).build());
        assertCaughtUp(handle);

        Set<StreamPartition> partitions = Set.of(stream.partition(0), stream.partition(1), stream.partition(2));
        assertEquals(Map.of(), log.committedOffsets(group, partitions));
        for (PartitionStatus status : handle.status().partitions()) {
            long inTable = db.inTransaction(em -> ((Number) em.createNativeQuery(
                            "SELECT next_offset FROM tributary_offsets WHERE group_name = ?1 AND stream_name = ?2"
                                    + " AND partition_no = ?3")
                    .setParameter(1, group).setParameter(2, status.partition().stream())
                    .setParameter(3, status.partition().partition()).getSingleResult()).longValue());
            assertEquals(inTable, status.storedOffset().orElseThrow());
            assertEquals(status.endOffset(), inTable);
            assertEquals(0, status.lag());
            assertEquals(handle.memberId(), status.owner().orElseThrow());
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static ExactlyOnceProjection exactlyOnce(String group, StreamSpec stream, ReadModelDatabase db,
                                                     ExactlyOnceHandler handler) {
        return Projection.exactlyOnce(group).streams(stream.name()).entityManagerFactory(db.entityManagerFactory())
                .handler(handler).build();
    }

    private static ExactlyOnceProjection replayable(String group, StreamSpec stream, ReadModelDatabase db,
                                                    AtomicInteger handled) {
        Consumer<EntityManager> reset = em -> {
            em.createQuery("delete from SeenEvent s where s.groupName = :g").setParameter("g", group).executeUpdate();
            em.createQuery("delete from PartitionCount c where c.groupName = :g").setParameter("g", group)
                    .executeUpdate();
        };
        return Projection.exactlyOnce(group).streams(stream.name()).entityManagerFactory(db.entityManagerFactory())
                .handler((event, em) -> {
                    record(group, event, em);
                    handled.incrementAndGet();
                })
                .readModelReset(reset).build();
    }

    private static long seenIn(ReadModelDatabase db, String group, StreamPartition partition) {
        return db.inTransaction(em -> em.createQuery("select count(s) from SeenEvent s where s.groupName = :g"
                        + " and s.streamName = :s and s.partitionNo = :p", Long.class).setParameter("g", group)
                .setParameter("s", partition.stream()).setParameter("p", partition.partition()).getSingleResult());
    }

    private static long handledRows(ReadModelDatabase db, String group, boolean distinct) {
        String count = distinct ? "count(distinct h.eventId)" : "count(h)";
        return db.inTransaction(em -> em.createQuery("select " + count + " from HandledEvent h where h.groupName = :g",
                Long.class).setParameter("g", group).getSingleResult());
    }

    /** Records each event through an annotated handler that takes the EntityManager and the Event. */
    static final class AnnotatedRecorder {
        private final String group;

        AnnotatedRecorder(String group) {
            this.group = group;
        }

        @EventHandler
        void on(TestEvent payload, Event event, EntityManager em) {
            record(group, event, em);
        }
    }
}
