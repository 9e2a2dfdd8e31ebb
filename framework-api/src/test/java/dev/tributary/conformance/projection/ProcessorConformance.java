package dev.tributary.conformance.projection;

import dev.tributary.api.Emitter;
import dev.tributary.api.Event;
import dev.tributary.api.GroupHandle;
import dev.tributary.api.PartitionFailure;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.Processor;
import dev.tributary.api.ProcessorFunction;
import dev.tributary.api.RetryPolicy;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.internal.projection.ProjectionRuntime;
import dev.tributary.spi.LogEntry;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Processors on a backend: what a batch emits (events and commands) and the offsets it consumed commit in one log
 * transaction, so each input yields its outputs once, whatever the group's members do.
 */
public abstract class ProcessorConformance extends ProjectionConformanceSupport {

    @Test
    void each_input_yields_its_events_and_commands_once_while_members_come_and_go() throws Exception {
        StreamSpec input = newStream("in", 4);
        StreamSpec output = newStream("out", 2);
        StreamSpec commands = newStream("cmd", 2);
        String group = newGroup("forward");
        Processor processor = Processor.named(group).streams(input.name())
                .eventHandlers(new Forwarder(output.name(), commands.name())).build();
        ProjectionRuntime first = runtime();
        ProjectionRuntime second = runtime();

        List<TestEvent> events = new ArrayList<>();
        GroupHandle a = first.start(processor);
        GroupHandle b = null;
        for (int round = 0; round < 6; round++) {
            events.addAll(publish(input, 100));
            switch (round) {
                case 1 -> b = second.start(processor);
                case 3 -> a.close();
                default -> sleep(20);
            }
        }
        assertCaughtUp(b);

        assertOncePerInput(events, outputIds(output), "output events");
        assertOncePerInput(events, commandIds(commands), "commands");
    }

    @Test
    void a_member_evicted_mid_batch_cannot_commit_its_outputs() throws Exception {
        StreamSpec input = newStream("in", 1);
        StreamSpec output = newStream("out", 1);
        String group = newGroup("fenced");
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean(true);
        ProcessorFunction slow = (event, emitter) -> {
            forward(event, emitter, output.name());
            if ("block".equals(event.payload(TestEvent.class).tag()) && once.compareAndSet(true, false)) {
                blocked.countDown();
                // Stops this member's polling for longer than the log allows, as a long GC pause would.
                release.await(patience().toMillis(), TimeUnit.MILLISECONDS);
            }
        };
        ProjectionRuntime zombieRuntime = runtime();
        GroupHandle zombie = zombieRuntime.start(Processor.named(group).streams(input.name()).handler(slow).build());
        List<TestEvent> events = new ArrayList<>(publish(input, 50));
        assertCaughtUp(zombie);
        events.addAll(publish(input, 50, "block"));
        await("the first member is blocked in its handler", blocked);

        GroupHandle taker = runtime().start(Processor.named(group).streams(input.name())
                .handler((event, emitter) -> forward(event, emitter, output.name())).build());
        assertCaughtUp(taker);
        release.countDown();
        zombieRuntime.close(); // returns once the released batch has ended, committed or not

        assertOncePerInput(events, outputIds(output), "output events");
    }

    @Test
    void a_failing_processor_emits_nothing_for_the_failed_batch_and_stops_only_its_partition() throws Exception {
        StreamSpec input = newStream("in", 2);
        StreamSpec output = newStream("out", 1);
        String group = newGroup("failing");
        AtomicBoolean broken = new AtomicBoolean(true);
        StreamPartition bad = input.partition(0);
        StreamPartition good = input.partition(1);
        GroupHandle handle = runtime().start(Processor.named(group).streams(input.name())
                .retry(RetryPolicy.of(2, Duration.ofMillis(10), Duration.ofMillis(10)))
                .handler((event, emitter) -> {
                    forward(event, emitter, output.name());
                    if ("poison".equals(event.payload(TestEvent.class).tag()) && broken.get()) {
                        throw new IllegalStateException("poisoned after emitting");
                    }
                }).build());
        List<TestEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(publishOne(bad, new TestEvent("bad-" + i, i, "")));
            events.add(publishOne(good, new TestEvent("good-" + i, i, "")));
        }
        assertCaughtUp(handle);
        events.add(publishOne(bad, new TestEvent("bad-poison", 3, "poison")));
        events.add(publishOne(bad, new TestEvent("bad-4", 4, "")));
        events.add(publishOne(good, new TestEvent("good-3", 3, "")));
        await("partition " + bad + " stopped", () -> statusOf(handle, bad).stopped());
        await("partition " + good + " caught up",
                () -> statusOf(handle, good).storedOffset().orElse(-1) >= log.endOffset(good));

        PartitionStatus stopped = statusOf(handle, bad);
        PartitionFailure failure = stopped.failure().orElseThrow();
        assertEquals(2, failure.attempts());
        assertEquals(stopped.storedOffset().orElseThrow(), failure.offset());
        assertTrue(!outputIds(output).contains("bad-poison") && !outputIds(output).contains("bad-4"),
                "nothing of the failed batch was emitted");
        assertTrue(outputIds(output).contains("good-3"));

        broken.set(false);
        handle.restart(bad);
        assertCaughtUp(handle);
        assertOncePerInput(events, outputIds(output), "output events");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private TestEvent publishOne(StreamPartition partition, TestEvent event) {
        publishTo(partition, event);
        return event;
    }

    /** Emits, for each input, one event keyed by the input's id. */
    static void forward(Event event, Emitter emitter, String output) {
        TestEvent in = event.payload(TestEvent.class);
        emitter.emit(output, in.id(), new OtherEvent(in.id()), Map.of("input-offset", event.offset()));
    }

    private List<String> outputIds(StreamSpec output) {
        return readAll(output).stream().map(e -> codec.decode(e).payload(OtherEvent.class).id()).toList();
    }

    private List<String> commandIds(StreamSpec commands) {
        List<String> ids = new ArrayList<>();
        for (LogEntry entry : readAll(commands)) {
            ids.add(((TestCommand) codec.decodeCommand(entry).getPayload()).inputId());
        }
        return ids;
    }

    private static void assertOncePerInput(List<TestEvent> inputs, List<String> outputs, String what) {
        Map<String, Integer> counts = new HashMap<>();
        outputs.forEach(id -> counts.merge(id, 1, Integer::sum));
        List<String> wrong = new ArrayList<>();
        for (TestEvent in : inputs) {
            int count = counts.getOrDefault(in.id(), 0);
            if (count != 1) {
                wrong.add(in.id() + " x" + count);
            }
        }
        assertTrue(wrong.isEmpty(), what + " not once per input: " + wrong);
        assertEquals(inputs.size(), outputs.size(), what + ": one per input and nothing else");
    }

    /** An annotated processor: an event and a command per input. */
    static final class Forwarder {
        private final String output;
        private final String commands;

        Forwarder(String output, String commands) {
            this.output = output;
            this.commands = commands;
        }

        @EventHandler
        void on(TestEvent in, Event event, Emitter emitter) {
            forward(event, emitter, output);
            emitter.send(new TestCommand(commands, "aggregate-" + (in.seq() % 10), in.id()));
        }
    }
}
