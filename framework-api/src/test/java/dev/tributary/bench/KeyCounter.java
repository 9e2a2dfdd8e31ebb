package dev.tributary.bench;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The read model: how many readings a group applied per key. Its id starts with the group, so groups can share a database. */
@Entity
@Table(name = "bench_key_counter")
public class KeyCounter {

    @Id
    @Column(name = "id", length = 300)
    private String id;

    @Column(name = "events", nullable = false)
    private long events;

    protected KeyCounter() {
    }

    public KeyCounter(String id) {
        this.id = id;
        this.events = 1;
    }

    public void increment() {
        events++;
    }
}
