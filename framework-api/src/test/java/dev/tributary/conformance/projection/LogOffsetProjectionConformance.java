package dev.tributary.conformance.projection;

import dev.tributary.api.AtLeastOnceProjection;
import dev.tributary.api.Event;
import dev.tributary.api.EventHandlerFunction;
import dev.tributary.api.GroupActiveException;
import dev.tributary.api.GroupHandle;
import dev.tributary.api.GroupStatus;
import dev.tributary.api.PartitionFailure;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.ResetPosition;
import dev.tributary.api.RetryPolicy;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.internal.projection.ProjectionRuntime;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At-least-once and at-most-once projections on a backend: offsets live in the log, saved after handling (a crash
 * repeats, never skips) or before (a crash skips, never repeats). A member that stops polling mid-batch stands in for
 * a crash: the log takes its partitions away as it would from a dead process.
 */
public abstract class LogOffsetProjectionConformance extends ProjectionConformanceSupport {

    @Test
    void at_least_once_never_skips_the_events_of_a_batch_whose_member_died() throws Exception {
        StreamSpec stream = newStream("repeat", 1);
        String group = newGroup("repeat");
        Dying dying = new Dying();
        Queue<String> survivor = new ConcurrentLinkedQueue<>();
        GroupHandle first = runtime().start(Projection.atLeastOnce(group).streams(stream.name())
                .handler(dying::handle).build());
        List<TestEvent> committed = publish(stream, 50);
        assertCaughtUp(first);
        List<TestEvent> inFlight = publish(stream, 100, "block");
        await("the first member is stuck in its batch", dying.blocked);

        GroupHandle second = runtime().start(Projection.atLeastOnce(group).streams(stream.name())
                .handler(e -> survivor.add(e.payload(TestEvent.class).id())).build());
        assertCaughtUp(second);
        dying.release.countDown();

        assertTrue(survivor.containsAll(idsOf(inFlight)), "every event of the dead member's batch was handed over again");
        assertTrue(idsOf(committed).stream().noneMatch(survivor::contains), "what was committed was not repeated");
    }

    @Test
    void at_most_once_never_repeats_the_events_of_a_batch_whose_member_died() throws Exception {
        StreamSpec stream = newStream("skip", 1);
        String group = newGroup("skip");
        Dying dying = new Dying();
        Queue<String> survivor = new ConcurrentLinkedQueue<>();
        ProjectionRuntime firstRuntime = runtime();
        GroupHandle first = firstRuntime.start(Projection.atMostOnce(group).streams(stream.name())
                .handler(dying::handle).build());
        publish(stream, 50);
        assertCaughtUp(first);
        // One append, so one batch: stored before its handling began.
        List<TestEvent> inFlight = publish(stream, 100, "block");
        await("the first member is stuck in its batch", dying.blocked);

        GroupHandle second = runtime().start(Projection.atMostOnce(group).streams(stream.name())
                .handler(e -> survivor.add(e.payload(TestEvent.class).id())).build());
        List<TestEvent> later = publish(stream, 30);
        assertCaughtUp(second);
        // At most once stores before handling: caught up means stored, and the handling follows.
        await("the survivor handled the later events", () -> survivor.size() >= later.size());
        dying.release.countDown();
        firstRuntime.close();

        assertTrue(idsOf(inFlight).stream().noneMatch(survivor::contains), "the dead member's batch was not repeated");
        assertEquals(idsOf(later), Set.copyOf(survivor), "the survivor started after the dead member's batch");
        List<String> all = new ArrayList<>(dying.handled);
        all.addAll(survivor);
        assertEquals(all.size(), Set.copyOf(all).size(), "no event was handled twice");
    }

    @Test
    void an_at_least_once_rebalance_while_events_flow_delivers_every_event() throws Exception {
        StreamSpec stream = newStream("flow", 4);
        String group = newGroup("flow");
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        AtLeastOnceProjection projection = Projection.atLeastOnce(group).streams(stream.name())
                .handler(e -> handled.computeIfAbsent(e.payload(TestEvent.class).id(), id -> new AtomicInteger())
                        .incrementAndGet()).build();
        ProjectionRuntime first = runtime();
        ProjectionRuntime second = runtime();
        ProjectionRuntime third = runtime();

        List<TestEvent> events = new ArrayList<>();
        ProjectionHandle a = first.start(projection);
        ProjectionHandle b = null;
        ProjectionHandle c = null;
        for (int round = 0; round < 10; round++) {
            events.addAll(publish(stream, 200));
            switch (round) {
                case 1 -> b = second.start(projection);
                case 3 -> c = third.start(projection);
                case 5 -> a.close();
                case 7 -> b.close();
                default -> sleep(20);
            }
        }
        assertCaughtUp(c);

        assertTrue(handled.keySet().containsAll(idsOf(events)), "every event was handled");
    }

    @Test
    void a_failing_at_least_once_handler_stops_its_partition_at_the_failed_event_and_a_restart_resumes_there()
            throws Exception {
        Failing scenario = failing(false);
        PartitionStatus bad = statusOf(scenario.handle, scenario.bad);
        PartitionFailure failure = bad.failure().orElseThrow();

        assertEquals(scenario.poisonOffset, failure.offset(), "it stopped at the failed event");
        assertEquals(2, failure.attempts());
        assertEquals(scenario.poisonOffset, bad.storedOffset().orElseThrow(), "what was handled before it is stored");
        assertEquals(List.of("bad-0", "bad-1", "bad-2", "bad-poison", "bad-poison"), scenario.handledOn(0),
                "nothing after the failed event was handled");
        assertEquals(List.of("good-0", "good-1", "good-2"), scenario.handledOn(1), "the other partition went on");

        scenario.broken.set(false);
        scenario.handle.restart(scenario.bad);
        assertCaughtUp(scenario.handle);
        assertEquals(List.of("bad-0", "bad-1", "bad-2", "bad-poison", "bad-poison", "bad-poison", "bad-4", "bad-5"),
                scenario.handledOn(0));
    }

    @Test
    void a_failing_at_most_once_handler_does_not_skip_the_events_after_the_failed_one() throws Exception {
        Failing scenario = failing(true);
        PartitionStatus bad = statusOf(scenario.handle, scenario.bad);

        assertEquals(scenario.poisonOffset, bad.failure().orElseThrow().offset());
        assertEquals(scenario.poisonOffset, bad.storedOffset().orElseThrow(),
                "the stored offset was moved back to the failed event, so a restart or a new owner does not skip it");

        scenario.broken.set(false);
        scenario.handle.restart(scenario.bad);
        assertCaughtUp(scenario.handle);
        assertEquals(List.of("bad-0", "bad-1", "bad-2", "bad-poison", "bad-poison", "bad-poison", "bad-4", "bad-5"),
                scenario.handledOn(0));
    }

    /** Partition 0 gets three events, a poisoned one and two more; partition 1 three. Returns once 0 stopped. */
    private Failing failing(boolean atMostOnce) throws Exception {
        StreamSpec stream = newStream("failing", 2);
        String group = newGroup("failing");
        AtomicBoolean broken = new AtomicBoolean(true);
        Map<Integer, Queue<String>> handled = Map.of(0, new ConcurrentLinkedQueue<>(), 1, new ConcurrentLinkedQueue<>());
        EventHandlerFunction handler = event -> {
            TestEvent payload = event.payload(TestEvent.class);
            handled.get(event.partition()).add(payload.id());
            if ("poison".equals(payload.tag()) && broken.get()) {
                throw new IllegalStateException("poisoned " + payload.id());
            }
        };
        RetryPolicy retry = RetryPolicy.of(2, Duration.ofMillis(10), Duration.ofMillis(10));
        Projection projection = atMostOnce
                ? Projection.atMostOnce(group).streams(stream.name()).retry(retry).handler(handler).build()
                : Projection.atLeastOnce(group).streams(stream.name()).retry(retry).handler(handler).build();
        StreamPartition bad = stream.partition(0);
        StreamPartition good = stream.partition(1);
        for (int i = 0; i < 3; i++) {
            publishTo(bad, new TestEvent("bad-" + i, i, ""));
            publishTo(good, new TestEvent("good-" + i, i, ""));
        }
        publishTo(bad, new TestEvent("bad-poison", 3, "poison"));
        publishTo(bad, new TestEvent("bad-4", 4, ""));
        publishTo(bad, new TestEvent("bad-5", 5, ""));
        long poisonOffset = log.read(bad, 0, 10, Duration.ofSeconds(5)).get(3).offset();

        ProjectionHandle handle = runtime().start(projection);
        await("partition " + bad + " stopped", () -> statusOf(handle, bad).stopped());
        await("partition " + good + " caught up",
                () -> statusOf(handle, good).storedOffset().orElse(-1) >= log.endOffset(good));
        return new Failing(handle, bad, poisonOffset, broken, handled);
    }

    private record Failing(ProjectionHandle handle, StreamPartition bad, long poisonOffset, AtomicBoolean broken,
                           Map<Integer, Queue<String>> handled) {
        List<String> handledOn(int partition) {
            return List.copyOf(handled.get(partition));
        }
    }

    @Test
    void a_replay_resets_the_committed_offsets_and_the_read_model() throws Exception {
        StreamSpec stream = newStream("replay", 2);
        String group = newGroup("replay");
        Map<String, AtomicInteger> readModel = new ConcurrentHashMap<>();
        List<TestEvent> events = publish(stream, 40);
        ProjectionHandle handle = runtime().start(Projection.atLeastOnce(group).streams(stream.name())
                .handler(e -> readModel.computeIfAbsent(e.payload(TestEvent.class).id(), id -> new AtomicInteger())
                        .incrementAndGet())
                .readModelReset(readModel::clear).build());
        assertCaughtUp(handle);

        handle.replay(ResetPosition.beginning());
        assertCaughtUp(handle);

        assertEquals(idsOf(events), readModel.keySet());
        assertTrue(readModel.values().stream().allMatch(count -> count.get() == 1), "handled once since the reset");
    }

    @Test
    void a_replay_is_refused_while_a_member_in_another_process_consumes_the_group() throws Exception {
        StreamSpec stream = newStream("shared", 2);
        String group = newGroup("shared");
        AtomicInteger resets = new AtomicInteger();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        AtLeastOnceProjection projection = Projection.atLeastOnce(group).streams(stream.name())
                .handler(e -> handled.add(e.payload(TestEvent.class).id())).readModelReset(resets::incrementAndGet)
                .build();
        ProjectionHandle here = runtime().start(projection);
        ProjectionHandle elsewhere = runtime().start(projection);
        publish(stream, 20);
        assertCaughtUp(here);
        await("both members own a partition", () -> Set.copyOf(log.describeGroup(group).owners().values())
                .equals(Set.of(here.memberId(), elsewhere.memberId())));

        assertThrows(GroupActiveException.class, () -> here.replay(ResetPosition.beginning()));

        assertEquals(0, resets.get(), "the read model was not reset");
        List<TestEvent> more = publish(stream, 20);
        assertCaughtUp(here);
        assertTrue(handled.containsAll(idsOf(more)), "the members kept consuming");
    }

    @Test
    void a_replay_to_offsets_of_a_partition_outside_the_streams_is_refused_naming_it() throws Exception {
        StreamSpec stream = newStream("named", 1);
        StreamSpec other = newStream("other", 1);
        String group = newGroup("named");
        ProjectionHandle handle = runtime().start(Projection.atLeastOnce(group).streams(stream.name())
                .handler(e -> { }).build());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> handle.replay(ResetPosition.offsets(Map.of(other.partition(0), 0L))));

        assertTrue(e.getMessage().contains(other.partition(0).toString()), e.getMessage());
        publish(stream, 5);
        assertCaughtUp(handle);
    }

    @Test
    void an_event_no_handler_method_accepts_still_advances_the_offset() throws Exception {
        StreamSpec stream = newStream("mixed", 1);
        String group = newGroup("mixed");
        Recorder recorder = new Recorder();
        publishTo(stream.partition(0), new OtherEvent("other-1"));
        publishTo(stream.partition(0), new TestEvent("test-1", 1, ""));
        publishTo(stream.partition(0), new OtherEvent("other-2"));

        ProjectionHandle handle = runtime().start(Projection.atLeastOnce(group).streams(stream.name())
                .eventHandlers(recorder).build());
        assertCaughtUp(handle);

        assertEquals(List.of("test-1"), List.copyOf(recorder.ids));
        assertEquals(0, handle.status().totalLag());
    }

    @Test
    void annotated_handlers_are_given_the_event_and_what_axon_resolves() throws Exception {
        StreamSpec stream = newStream("resolved", 1);
        String group = newGroup("resolved");
        Recorder recorder = new Recorder();
        Instant published = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        clock.set(published);
        publish(stream, 1, "resolve-me");

        ProjectionHandle handle = runtime().start(Projection.atLeastOnce(group).streams(stream.name())
                .eventHandlers(recorder).build());
        assertCaughtUp(handle);

        Event event = recorder.events.peek();
        assertEquals(stream.name(), event.stream());
        assertEquals("resolve-me", event.payload(TestEvent.class).tag());
        assertEquals(List.of("suite"), List.copyOf(recorder.sources), "@MetaDataValue");
        assertEquals(List.of(published), List.copyOf(recorder.timestamps), "@Timestamp");
    }

    @Test
    void status_names_every_partition_with_its_stored_offset_lag_and_owner() throws Exception {
        StreamSpec stream = newStream("status", 3);
        String group = newGroup("status");
        ProjectionRuntime runtime = runtime();
        publish(stream, 30);
        ProjectionHandle handle = runtime.start(Projection.atLeastOnce(group).streams(stream.name())
                .handler(e -> { }).build());
        assertCaughtUp(handle);

        GroupStatus running = handle.status();
        assertEquals(group, running.group());
        assertEquals(List.of(stream.partition(0), stream.partition(1), stream.partition(2)),
                running.partitions().stream().map(PartitionStatus::partition).toList());
        for (PartitionStatus p : running.partitions()) {
            assertEquals(p.endOffset(), p.storedOffset().orElseThrow());
            assertEquals(0, p.lag());
            assertEquals(handle.memberId(), p.owner().orElseThrow());
            assertFalse(p.stopped());
        }

        handle.close();
        publishTo(stream.partition(1), new TestEvent("late", 0, ""));
        PartitionStatus late = runtime.status(group).partitions().get(1);
        assertTrue(late.lag() >= 1, late::toString);
        assertTrue(late.owner().isEmpty(), late::toString);
    }

    @Test
    void status_of_a_group_this_instance_did_not_start_is_refused_by_name() {
        String group = newGroup("unknown");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runtime().status(group));
        assertTrue(e.getMessage().contains(group), e.getMessage());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** A handler that records what it handles and, at the first "block" event, stops its member polling. */
    private final class Dying {
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Queue<String> handled = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean once = new AtomicBoolean(true);

        void handle(Event event) throws InterruptedException {
            TestEvent payload = event.payload(TestEvent.class);
            handled.add(payload.id());
            if ("block".equals(payload.tag()) && payload.seq() == 20 && once.compareAndSet(true, false)) {
                blocked.countDown();
                release.await(patience().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Takes test events only, with what Axon resolves besides the payload. */
    static final class Recorder {
        final Queue<String> ids = new ConcurrentLinkedQueue<>();
        final Queue<Event> events = new ConcurrentLinkedQueue<>();
        final Queue<String> sources = new ConcurrentLinkedQueue<>();
        final Queue<Instant> timestamps = new ConcurrentLinkedQueue<>();

        @EventHandler
        void on(TestEvent payload, Event event, @MetaDataValue("source") String source, @Timestamp Instant at) {
            ids.add(payload.id());
            events.add(event);
            if (source != null) {
                sources.add(source);
            }
            timestamps.add(at);
        }
    }
}
