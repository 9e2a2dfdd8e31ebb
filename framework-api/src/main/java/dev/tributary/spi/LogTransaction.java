package dev.tributary.spi;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.WriterFencedException;

import java.util.List;
import java.util.Map;

/**
 * An atomic unit: appends to any partitions of any streams plus offsets consumed by a group. On
 * {@link #commit()} all of it becomes visible at once; on {@link #abort()} or a failed commit none of it ever
 * does, and the consumed offsets stay where they were. Records appended to one partition keep their order.
 */
public interface LogTransaction {

    /** Adds records to the transaction; they are not visible to any reader until commit. */
    void append(StreamPartition partition, List<LogRecord> records);

    /**
     * Adds the group's consumed offsets (the offsets to resume from) to the transaction. The commit is refused
     * if, by then, the group has moved past {@code metadata}'s generation or the member left.
     */
    void commitOffsets(Map<StreamPartition, Long> offsets, GroupMetadata metadata);

    /**
     * Makes everything visible at once.
     *
     * @return the offsets assigned to the appended records, per partition, in append order
     * @throws PartitionFencedException if the consumed offsets' member was fenced; nothing is applied
     * @throws WriterFencedException    if a newer writer with the same id exists; nothing is applied
     */
    Map<StreamPartition, List<Long>> commit();

    /** Discards everything. Safe to call after a failed commit. */
    void abort();
}
