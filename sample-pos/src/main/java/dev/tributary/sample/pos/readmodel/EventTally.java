package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Read model: how many events of a stream a projection has applied. It commits with the projection's own writes,
 * so it counts each event exactly once, and it is reset with the read model on a replay.
 */
@Entity
@Table(name = "pos_event_tally")
public class EventTally {

    @Id
    @Column(name = "stream", length = 249)
    private String stream;

    @Column(name = "events", nullable = false)
    private long events;

    protected EventTally() {
    }

    EventTally(String stream) {
        this.stream = stream;
    }

    void increment() {
        events++;
    }

    public String stream() {
        return stream;
    }

    public long events() {
        return events;
    }
}
