package dev.tributary.spi;

import dev.tributary.api.StreamPartition;

import java.util.Map;

/**
 * A group as the log sees it.
 *
 * @param group      the group's id
 * @param generation the group's current generation as far as this log knows it (0 if it never had members); Kafka
 *                   does not report the generation of classic-protocol groups, so there it is the highest generation
 *                   seen by members of the same {@code KafkaEventLog}, and 0 for a group whose members all live in
 *                   other processes
 * @param owners     partition to the member id owning it; partitions of no member are absent
 */
public record GroupDescription(String group, int generation, Map<StreamPartition, String> owners) {

    public GroupDescription {
        owners = Map.copyOf(owners);
    }
}
