package dev.tributary.memory.testkit;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import java.time.Instant;

/** The example read model: an account's balance and when it last changed. */
@Entity
public class Balance {

    @Id
    private String account;
    private long amount;
    private Instant changedAt;

    protected Balance() {
    }

    Balance(String account) {
        this.account = account;
    }

    void add(long delta, Instant at) {
        amount += delta;
        changedAt = at;
    }

    long amount() {
        return amount;
    }

    Instant changedAt() {
        return changedAt;
    }
}
