package dev.tributary.conformance.projection;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** How many events a group handled from one partition: one row per (group, stream, partition), incremented. */
@Entity
@Table(name = "partition_count")
public class PartitionCount {

    @Id
    @Column(name = "id", length = 300)
    private String id;

    @Column(name = "group_name", nullable = false)
    private String groupName;

    @Column(name = "handled", nullable = false)
    private long handled;

    protected PartitionCount() {
    }

    public PartitionCount(String groupName, String stream, int partition) {
        this.id = groupName + "/" + stream + "/" + partition;
        this.groupName = groupName;
    }

    public static String idOf(String groupName, String stream, int partition) {
        return groupName + "/" + stream + "/" + partition;
    }

    public void increment() {
        handled++;
    }

    public long handled() {
        return handled;
    }
}
