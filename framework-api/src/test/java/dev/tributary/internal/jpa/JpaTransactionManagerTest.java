package dev.tributary.internal.jpa;

import dev.tributary.conformance.projection.HandledEvent;
import dev.tributary.conformance.projection.ReadModelDatabase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.RollbackException;
import org.axonframework.common.transaction.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JpaTransactionManagerTest {

    private final ReadModelDatabase db = ReadModelDatabase.create(HandledEvent.class);
    private final JpaTransactionManager transactions = new JpaTransactionManager(db.entityManagerFactory());

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void a_transaction_binds_an_entity_manager_to_the_thread_until_it_ends() {
        assertTrue(transactions.findCurrentEntityManager().isEmpty());
        Transaction tx = transactions.startTransaction();
        EntityManager em = transactions.currentEntityManager();
        assertTrue(em.getTransaction().isActive());

        tx.commit();

        assertFalse(em.isOpen());
        assertTrue(transactions.findCurrentEntityManager().isEmpty());
        assertThrows(IllegalStateException.class, transactions::currentEntityManager);
    }

    @Test
    void a_nested_transaction_joins_the_outer_one_and_commits_with_it() {
        Transaction outer = transactions.startTransaction();
        EntityManager em = transactions.currentEntityManager();
        Transaction inner = new JpaTransactionManager(db.entityManagerFactory()).startTransaction();
        assertSame(em, transactions.currentEntityManager(), "a second manager of the same database joins too");
        em.persist(new HandledEvent("g", "inner"));
        inner.commit();
        assertEquals(0, rows(), "the inner commit left it to the outer one");

        outer.commit();

        assertEquals(1, rows());
    }

    @Test
    void a_nested_rollback_makes_the_outer_commit_roll_back_and_fail() {
        Transaction outer = transactions.startTransaction();
        transactions.currentEntityManager().persist(new HandledEvent("g", "outer"));
        Transaction inner = transactions.startTransaction();
        transactions.currentEntityManager().persist(new HandledEvent("g", "inner"));
        inner.rollback();

        assertThrows(RollbackException.class, outer::commit);

        assertEquals(0, rows());
        assertTrue(transactions.findCurrentEntityManager().isEmpty());
    }

    @Test
    void an_outer_rollback_discards_what_a_nested_transaction_committed() {
        Transaction outer = transactions.startTransaction();
        transactions.executeInTransaction(() -> transactions.currentEntityManager().persist(new HandledEvent("g", "x")));

        outer.rollback();

        assertEquals(0, rows());
    }

    @Test
    void execute_in_transaction_commits_or_rolls_back_when_the_work_throws() {
        transactions.executeInTransaction(() -> transactions.currentEntityManager().persist(new HandledEvent("g", "a")));
        assertThrows(IllegalArgumentException.class, () -> transactions.executeInTransaction(() -> {
            transactions.currentEntityManager().persist(new HandledEvent("g", "b"));
            throw new IllegalArgumentException("no");
        }));

        assertEquals(1, rows());
    }

    @Test
    void another_thread_does_not_see_the_bound_entity_manager() {
        Transaction tx = transactions.startTransaction();
        try {
            assertTrue(CompletableFuture.supplyAsync(() -> transactions.findCurrentEntityManager().isEmpty()).join());
            CompletionException e = assertThrows(CompletionException.class, () -> CompletableFuture.runAsync(tx::commit).join());
            assertTrue(e.getCause() instanceof IllegalStateException, e::toString);
        } finally {
            tx.rollback();
        }
    }

    @Test
    void a_transaction_ends_once_but_a_late_rollback_does_nothing() {
        Transaction tx = transactions.startTransaction();
        tx.commit();

        assertThrows(IllegalStateException.class, tx::commit);
        tx.rollback();
    }

    @Test
    void an_outer_commit_with_an_inner_transaction_still_open_is_refused() {
        Transaction outer = transactions.startTransaction();
        Transaction inner = transactions.startTransaction();

        assertThrows(IllegalStateException.class, outer::commit);

        inner.commit();
        outer.commit();
    }

    private long rows() {
        return db.count("select count(h) from HandledEvent h");
    }
}
