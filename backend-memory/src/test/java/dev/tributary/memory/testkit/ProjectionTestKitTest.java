package dev.tributary.memory.testkit;

import dev.tributary.api.Projection;
import dev.tributary.api.ResetPosition;
import dev.tributary.api.RetryPolicy;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionTestKitTest {

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
}
