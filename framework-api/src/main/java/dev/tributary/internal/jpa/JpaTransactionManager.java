package dev.tributary.internal.jpa;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.RollbackException;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Axon {@link TransactionManager} over one {@code RESOURCE_LOCAL} {@link EntityManagerFactory} (Axon 4 ships
 * none outside Spring).
 *
 * <p>{@link #startTransaction()} binds a new {@link EntityManager} with an active transaction to the calling thread;
 * {@link #currentEntityManager()} returns it. A transaction started while the thread already has one for the same
 * factory (through any manager) joins it: the inner commit does nothing, the inner rollback marks the outer
 * transaction rollback-only, so that the outer commit rolls back and throws {@link RollbackException}. Each
 * transaction ends on the thread that started it, inner before outer; ending it twice is refused, except that a
 * rollback after the transaction already ended (say, after a failed commit) does nothing. Thread-safe.
 */
public final class JpaTransactionManager implements TransactionManager {

    // Keyed by factory, not by manager, so that two managers of one database on one thread share a transaction.
    private static final ThreadLocal<Map<EntityManagerFactory, Scope>> BOUND = ThreadLocal.withInitial(IdentityHashMap::new);

    private final EntityManagerFactory entityManagerFactory;

    public JpaTransactionManager(EntityManagerFactory entityManagerFactory) {
        this.entityManagerFactory = Objects.requireNonNull(entityManagerFactory, "entityManagerFactory");
    }

    public EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    @Override
    public Transaction startTransaction() {
        Map<EntityManagerFactory, Scope> bound = BOUND.get();
        Scope outer = bound.get(entityManagerFactory);
        if (outer != null) {
            return new Joined(outer);
        }
        EntityManager entityManager = entityManagerFactory.createEntityManager();
        try {
            entityManager.getTransaction().begin();
        } catch (RuntimeException e) {
            entityManager.close();
            throw e;
        }
        Scope scope = new Scope(entityManager);
        bound.put(entityManagerFactory, scope);
        return new Outer(scope);
    }

    /**
     * The entity manager of the transaction bound to the calling thread.
     *
     * @throws IllegalStateException if the thread has none for this manager's factory
     */
    public EntityManager currentEntityManager() {
        return findCurrentEntityManager().orElseThrow(() -> new IllegalStateException(
                "no transaction is active on thread '" + Thread.currentThread().getName()
                        + "' for this EntityManagerFactory; start one with startTransaction()"));
    }

    public Optional<EntityManager> findCurrentEntityManager() {
        Scope scope = BOUND.get().get(entityManagerFactory);
        return scope == null ? Optional.empty() : Optional.of(scope.entityManager);
    }

    private void unbind(Scope scope) {
        Map<EntityManagerFactory, Scope> bound = BOUND.get();
        bound.remove(entityManagerFactory, scope);
        if (bound.isEmpty()) {
            BOUND.remove();
        }
    }

    private static final class Scope {
        final EntityManager entityManager;
        final Thread owner = Thread.currentThread();
        int joined;
        boolean rollbackOnly;

        Scope(EntityManager entityManager) {
            this.entityManager = entityManager;
        }

        void checkThread() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a transaction must end on the thread that started it ('"
                        + owner.getName() + "'), not on '" + Thread.currentThread().getName() + "'");
            }
        }
    }

    private final class Outer implements Transaction {
        private final Scope scope;
        private boolean ended;

        Outer(Scope scope) {
            this.scope = scope;
        }

        @Override
        public void commit() {
            scope.checkThread();
            if (ended) {
                throw new IllegalStateException("this transaction already ended");
            }
            if (scope.joined > 0) {
                throw new IllegalStateException(scope.joined + " nested transaction(s) are still open; end them first");
            }
            ended = true;
            EntityTransaction tx = scope.entityManager.getTransaction();
            try {
                if (scope.rollbackOnly) {
                    tx.rollback();
                    throw new RollbackException("a nested transaction rolled back, so this one was rolled back too");
                }
                tx.commit();
            } catch (RuntimeException e) {
                if (tx.isActive()) {
                    try {
                        tx.rollback();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            } finally {
                release();
            }
        }

        @Override
        public void rollback() {
            scope.checkThread();
            if (ended) {
                return;
            }
            ended = true;
            try {
                EntityTransaction tx = scope.entityManager.getTransaction();
                if (tx.isActive()) {
                    tx.rollback();
                }
            } finally {
                release();
            }
        }

        private void release() {
            unbind(scope);
            scope.entityManager.close();
        }
    }

    private static final class Joined implements Transaction {
        private final Scope scope;
        private boolean ended;

        Joined(Scope scope) {
            this.scope = scope;
            scope.joined++;
        }

        @Override
        public void commit() {
            scope.checkThread();
            if (ended) {
                throw new IllegalStateException("this transaction already ended");
            }
            ended = true;
            scope.joined--;
        }

        @Override
        public void rollback() {
            scope.checkThread();
            if (ended) {
                return;
            }
            ended = true;
            scope.joined--;
            scope.rollbackOnly = true;
        }
    }
}
