package dev.tributary.internal.projection;

import dev.tributary.api.StreamPartition;

import java.util.Map;
import java.util.Set;

/** Reads a group's stored offsets wherever its guarantee keeps them: the read-model database or the log. Thread-safe. */
@FunctionalInterface
interface OffsetReader {

    /** The stored offsets of those partitions that have one. */
    Map<StreamPartition, Long> read(Set<StreamPartition> partitions);
}
