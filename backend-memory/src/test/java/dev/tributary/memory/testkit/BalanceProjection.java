package dev.tributary.memory.testkit;

import jakarta.persistence.EntityManager;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;

import java.time.Instant;

/** The example projection: balances from deposits and withdrawals. */
final class BalanceProjection {

    record Deposited(String account, long amount) {
    }

    record Withdrawn(String account, long amount) {
    }

    @EventHandler
    void on(Deposited event, EntityManager em, @Timestamp Instant at) {
        balance(em, event.account()).add(event.amount(), at);
    }

    @EventHandler
    void on(Withdrawn event, EntityManager em, @Timestamp Instant at) {
        if (event.amount() > balance(em, event.account()).amount()) {
            throw new IllegalStateException("account " + event.account() + " cannot go below zero");
        }
        balance(em, event.account()).add(-event.amount(), at);
    }

    private static Balance balance(EntityManager em, String account) {
        Balance balance = em.find(Balance.class, account);
        if (balance == null) {
            balance = new Balance(account);
            em.persist(balance);
        }
        return balance;
    }
}
