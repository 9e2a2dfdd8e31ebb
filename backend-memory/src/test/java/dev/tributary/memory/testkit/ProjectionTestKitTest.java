package dev.tributary.memory.testkit;

import dev.tributary.api.Event;
import dev.tributary.api.Processor;
import dev.tributary.api.Projection;
import dev.tributary.api.ResetPosition;
import dev.tributary.api.RetryPolicy;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.memory.testkit.BalanceProjection.Deposited;
import dev.tributary.memory.testkit.BalanceProjection.Withdrawn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionTestKitTest {

    /** What the example processor emits for each deposit. */
    record Receipt(String account, long amount) {
    }

    private final ProjectionTestKit kit = ProjectionTestKit.create(Balance.class);

    @AfterEach
    void close() {
        kit.close();
    }

    private Projection balances() {
        return Projection.exactlyOnce("balances").streams("accounts")
                .entityManagerFactory(kit.entityManagerFactory())
                .retry(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO))
                .readModelReset(em -> em.createQuery("delete from Balance").executeUpdate())
                .eventHandlers(new BalanceProjection()).build();
    }

    /** The example processor: a receipt on "receipts" for each deposit, keyed by account. */
    private static Processor receipts() {
        return Processor.named("receipts").streams("accounts")
                .retry(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO))
                .handler((event, emitter) -> {
                    Deposited deposit = event.payload(Deposited.class);
                    emitter.emit("receipts", deposit.account(), new Receipt(deposit.account(), deposit.amount()),
                            Map.of("source", event.stream()));
                }).build();
    }

    @Test
    void a_projection_sees_the_given_events_and_the_test_reads_its_read_model() {
        kit.given("accounts", "acc-1", new Deposited("acc-1", 10))
                .given("accounts", "acc-1", new Withdrawn("acc-1", 3))
                .given("accounts", "acc-2", new Deposited("acc-2", 5))
                .run(balances());

        assertEquals(7, kit.find(Balance.class, "acc-1").amount());
        assertEquals(List.of(5L), kit.query("select b.amount from Balance b where b.account = 'acc-2'", Long.class));
        assertNull(kit.find(Balance.class, "acc-3"));
    }

    @Test
    void events_given_after_a_run_are_handled_by_the_next_run() {
        kit.given("accounts", "acc-1", new Deposited("acc-1", 10)).run(balances());
        assertEquals(10, kit.find(Balance.class, "acc-1").amount());

        kit.given("accounts", "acc-1", new Deposited("acc-1", 1)).run(balances());

        assertEquals(11, kit.find(Balance.class, "acc-1").amount());
    }

    @Test
    void the_kit_clock_stamps_the_given_events() {
        Instant opening = Instant.parse("2024-01-01T09:00:00Z");
        kit.setTime(opening).given("accounts", "acc-1", new Deposited("acc-1", 10))
                .advanceTime(Duration.ofHours(1)).given("accounts", "acc-1", new Deposited("acc-1", 1))
                .run(balances());

        assertEquals(opening.plus(Duration.ofHours(1)), kit.find(Balance.class, "acc-1").changedAt());
        assertEquals(opening.plus(Duration.ofHours(1)), kit.now());
    }

    @Test
    void a_failing_projection_fails_the_run_with_the_handlers_error() {
        kit.given("accounts", "acc-1", new Withdrawn("acc-1", 3));

        AssertionError error = assertThrows(AssertionError.class, () -> kit.run(balances()));

        assertTrue(error.getMessage().contains("cannot go below zero"), error.getMessage());
        assertTrue(error.getCause() instanceof IllegalStateException, String.valueOf(error.getCause()));
    }

    @Test
    void a_replayed_projection_rebuilds_its_read_model() {
        kit.stream("accounts", 3)
                .given("accounts", "acc-1", new Deposited("acc-1", 10))
                .given("accounts", "acc-2", new Deposited("acc-2", 20))
                .run(balances());

        kit.handle("balances").replay(ResetPosition.beginning());
        kit.run(balances());

        assertEquals(10, kit.find(Balance.class, "acc-1").amount());
        assertEquals(20, kit.find(Balance.class, "acc-2").amount());
    }

    @Test
    void a_projection_with_a_read_model_of_its_own_runs_too() {
        Map<String, Long> totals = new ConcurrentHashMap<>();
        kit.given("accounts", "acc-1", new Deposited("acc-1", 10))
                .given("accounts", "acc-1", new Deposited("acc-1", 5))
                .run(Projection.atLeastOnce("totals").streams("accounts")
                        .handler(e -> totals.merge(e.key(), e.payload(Deposited.class).amount(), Long::sum)).build());

        assertEquals(Map.of("acc-1", 15L), totals);
    }

    @Test
    void a_processor_run_by_the_kit_emits_one_output_per_input() {
        kit.stream("receipts", 1)
                .given("accounts", "acc-1", new Deposited("acc-1", 10))
                .given("accounts", "acc-2", new Deposited("acc-2", 5))
                .given("accounts", "acc-1", new Deposited("acc-1", 3))
                .run(receipts());

        List<Event> emitted = kit.emitted("receipts");

        assertEquals(List.of(new Receipt("acc-1", 10), new Receipt("acc-2", 5), new Receipt("acc-1", 3)),
                emitted.stream().map(Event::payload).toList());
        assertEquals(List.of("acc-1", "acc-2", "acc-1"), emitted.stream().map(Event::key).toList());
        emitted.forEach(e -> assertEquals(Map.of("source", "accounts"), e.metaData()));
    }

    @Test
    void events_given_after_a_processor_run_are_processed_once_by_the_next_run() {
        kit.stream("receipts", 1).given("accounts", "acc-1", new Deposited("acc-1", 10)).run(receipts());
        assertEquals(List.of(new Receipt("acc-1", 10)), payloads(kit.emitted("receipts")));

        kit.given("accounts", "acc-1", new Deposited("acc-1", 1)).run(receipts());

        assertEquals(List.of(new Receipt("acc-1", 10), new Receipt("acc-1", 1)), payloads(kit.emitted("receipts")));
    }

    @Test
    void emitted_events_come_partition_by_partition_in_log_order_within_each() {
        kit.stream("receipts", 3);
        for (int i = 0; i < 12; i++) {
            kit.given("accounts", "acc-" + (i % 4), new Deposited("acc-" + (i % 4), i));
        }
        kit.run(receipts());

        List<Event> emitted = kit.emitted("receipts");

        assertEquals(12, emitted.size());
        for (int i = 1; i < emitted.size(); i++) {
            Event before = emitted.get(i - 1);
            Event after = emitted.get(i);
            assertTrue(before.partition() < after.partition()
                    || before.partition() == after.partition() && before.offset() < after.offset(),
                    before.streamPartition() + "@" + before.offset() + " before " + after.streamPartition() + "@"
                            + after.offset());
        }
        for (Event e : emitted) {
            assertEquals(kit.eventLog().partitionFor("receipts", e.key()), e.streamPartition());
        }
        // A key lives in one partition, so its receipts keep the order of its deposits.
        assertEquals(List.of(1L, 5L, 9L), emitted.stream().filter(e -> "acc-1".equals(e.key()))
                .map(e -> e.payload(Receipt.class).amount()).toList());
    }

    @Test
    void emitted_leaves_out_the_events_the_test_gave_onto_the_stream() {
        kit.given("receipts", "acc-9", new Receipt("acc-9", 99))
                .given("accounts", "acc-1", new Deposited("acc-1", 10))
                .run(receipts());

        assertEquals(List.of(new Receipt("acc-1", 10)), payloads(kit.emitted("receipts")));
    }

    @Test
    void a_failing_processor_fails_the_run_with_the_handlers_error() {
        IllegalStateException failure = new IllegalStateException("no receipts today");
        kit.given("accounts", "acc-1", new Deposited("acc-1", 10));

        AssertionError error = assertThrows(AssertionError.class, () -> kit.run(Processor.named("broken")
                .streams("accounts").retry(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO))
                .handler((event, emitter) -> {
                    throw failure;
                }).build()));

        assertSame(failure, error.getCause());
        assertTrue(error.getMessage().contains("processor 'broken' stopped"), error.getMessage());
    }

    @Test
    void a_processor_emitting_to_an_undeclared_stream_fails_the_run_naming_it() {
        kit.given("accounts", "acc-1", new Deposited("acc-1", 10));

        AssertionError error = assertThrows(AssertionError.class, () -> kit.run(receipts()));

        assertTrue(error.getCause() instanceof UnknownStreamException, String.valueOf(error.getCause()));
        assertTrue(error.getMessage().contains("declare stream 'receipts'"), error.getMessage());
    }

    @Test
    void emitted_of_an_unknown_stream_is_refused_naming_it() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> kit.emitted("nowhere"));

        assertTrue(error.getMessage().contains("'nowhere'"), error.getMessage());
    }

    @Test
    void a_projection_and_a_processor_cannot_share_a_group_name() {
        kit.run(balances());
        kit.stream("receipts", 1).run(receipts());

        IllegalArgumentException processorAfterProjection = assertThrows(IllegalArgumentException.class,
                () -> kit.run(Processor.named("balances").streams("accounts").handler((event, emitter) -> {
                }).build()));
        IllegalArgumentException projectionAfterProcessor = assertThrows(IllegalArgumentException.class,
                () -> kit.run(Projection.atLeastOnce("receipts").streams("accounts").handler(e -> {
                }).build()));

        assertTrue(processorAfterProjection.getMessage().contains("'balances'"), processorAfterProjection.getMessage());
        assertTrue(projectionAfterProcessor.getMessage().contains("'receipts'"), projectionAfterProcessor.getMessage());
    }

    private static List<Object> payloads(List<Event> events) {
        return events.stream().map(Event::payload).toList();
    }
}
