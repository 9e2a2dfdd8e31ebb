package dev.tributary.internal.projection;

import dev.tributary.api.StreamPartition;

import java.util.Map;
import java.util.Set;

/** Resets a stopped group's offsets together with its read model, the way its guarantee requires. */
@FunctionalInterface
interface GroupReset {

    /**
     * @param offsets    the new offset of each partition to move
     * @param partitions every partition of the group's streams
     */
    void reset(Map<StreamPartition, Long> offsets, Set<StreamPartition> partitions);
}
