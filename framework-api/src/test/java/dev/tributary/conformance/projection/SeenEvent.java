package dev.tributary.conformance.projection;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An event a group handled, once: the key is (group, event id), so a second commit of the same event fails on the
 * primary key.
 */
@Entity
@Table(name = "seen_event")
public class SeenEvent {

    @Id
    @Column(name = "id", length = 300)
    private String id;

    @Column(name = "group_name", nullable = false)
    private String groupName;

    @Column(name = "event_id", nullable = false)
    private String eventId;

    @Column(name = "stream_name", nullable = false)
    private String streamName;

    @Column(name = "partition_no", nullable = false)
    private int partitionNo;

    @Column(name = "offset_no", nullable = false)
    private long offsetNo;

    protected SeenEvent() {
    }

    public SeenEvent(String groupName, String eventId, String streamName, int partitionNo, long offsetNo) {
        this.id = groupName + "/" + eventId;
        this.groupName = groupName;
        this.eventId = eventId;
        this.streamName = streamName;
        this.partitionNo = partitionNo;
        this.offsetNo = offsetNo;
    }

    public String eventId() {
        return eventId;
    }

    public int partitionNo() {
        return partitionNo;
    }

    public long offsetNo() {
        return offsetNo;
    }
}
