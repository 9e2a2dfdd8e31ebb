package dev.tributary.conformance.projection;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/**
 * An event a group handled, with nothing unique about the event: a second commit of it would add a second row. Tests
 * that must see fencing at work, not a constraint, count these.
 */
@Entity
@Table(name = "handled_event")
public class HandledEvent {

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "group_name", nullable = false)
    private String groupName;

    @Column(name = "event_id", nullable = false)
    private String eventId;

    protected HandledEvent() {
    }

    public HandledEvent(String groupName, String eventId) {
        this.id = UUID.randomUUID().toString();
        this.groupName = groupName;
        this.eventId = eventId;
    }
}
