package dev.tributary.docs;

import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.ResetPosition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.memory.InMemoryEventLog;
import dev.tributary.spi.EventLog;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Id;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's example, as written there, so that the README cannot drift from the code. */
class ReadmeExampleTest {

    record OpenAccount(@TargetAggregateIdentifier String id) {
    }

    record Deposit(@TargetAggregateIdentifier String id, long amount) {
    }

    record AccountOpened(String id) {
    }

    record Deposited(String id, long amount) {
    }

    public static class Account {
        @AggregateIdentifier
        private String id;
        private long balance;

        protected Account() {
        }

        @CommandHandler
        public Account(OpenAccount cmd) {
            apply(new AccountOpened(cmd.id()));
        }

        @CommandHandler
        public long handle(Deposit cmd) {
            apply(new Deposited(cmd.id(), cmd.amount()));
            return balance;
        }

        @EventSourcingHandler
        void on(AccountOpened e) {
            id = e.id();
        }

        @EventSourcingHandler
        void on(Deposited e) {
            balance += e.amount();
        }
    }

    @Entity
    public static class Balance {
        @Id
        private String id;
        private long amount;

        protected Balance() {
        }

        Balance(String id, long amount) {
            this.id = id;
            this.amount = amount;
        }

        void add(long more) {
            amount += more;
        }

        long amount() {
            return amount;
        }
    }

    public static class Balances {
        @EventHandler
        void on(Deposited e, EntityManager em) {
            Balance b = em.find(Balance.class, e.id());
            if (b == null) {
                em.persist(new Balance(e.id(), e.amount()));
            } else {
                b.add(e.amount());
            }
        }
    }

    @Test
    void the_readme_example_runs_as_written_and_a_replay_rebuilds_the_same_read_model() throws Exception {
        EntityManagerFactory entityManagerFactory = new HibernatePersistenceConfiguration("balances")
                .managedClass(Balance.class)
                .jdbcUrl("jdbc:hsqldb:mem:readme-balances")
                .schemaToolingAction(Action.CREATE_DROP)
                .createEntityManagerFactory();
        EventLog log = InMemoryEventLog.create();

        try (entityManagerFactory; log; Tributary tributary = Tributary.builder()
                .eventLog(log)
                .stream(StreamSpec.of("accounts", 8))
                .aggregate(Account.class, "accounts")
                .build()) {

            ProjectionHandle balances = tributary.start(Projection.exactlyOnce("balances")
                    .streams("accounts")
                    .eventHandlers(new Balances())
                    .entityManagerFactory(entityManagerFactory)
                    .readModelReset(em -> em.createQuery("delete from ReadmeExampleTest$Balance").executeUpdate())
                    .build());

            tributary.send(new OpenAccount("acc-1")).join();
            long balance = tributary.<Long>send(new Deposit("acc-1", 100)).join();
            tributary.<Long>send(new Deposit("acc-1", 20)).join();

            assertEquals(100, balance, "apply runs the event sourcing handler at once, so the handler sees its own event");
            assertTrue(balances.awaitCaughtUp(Duration.ofSeconds(10)));
            assertEquals(120, amountOf(entityManagerFactory, "acc-1"));

            balances.replay(ResetPosition.beginning());
            assertTrue(balances.awaitCaughtUp(Duration.ofSeconds(10)));
            assertEquals(120, amountOf(entityManagerFactory, "acc-1"),
                    "the reset empties the read model in the same transaction as the offsets, so nothing counts twice");
        }
    }

    private static long amountOf(EntityManagerFactory emf, String id) {
        try (EntityManager em = emf.createEntityManager()) {
            return em.find(Balance.class, id).amount();
        }
    }
}
