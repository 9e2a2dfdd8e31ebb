package dev.tributary.api;

import java.util.List;

/**
 * A consumer group's progress, partition by partition.
 *
 * @param group      the group's name
 * @param guarantee  its delivery guarantee
 * @param partitions every partition of its streams, in stream and partition order
 */
public record GroupStatus(String group, Guarantee guarantee, List<PartitionStatus> partitions) {

    public GroupStatus {
        partitions = List.copyOf(partitions);
    }

    public long totalLag() {
        return partitions.stream().mapToLong(PartitionStatus::lag).sum();
    }

    public List<PartitionStatus> stoppedPartitions() {
        return partitions.stream().filter(PartitionStatus::stopped).toList();
    }
}
