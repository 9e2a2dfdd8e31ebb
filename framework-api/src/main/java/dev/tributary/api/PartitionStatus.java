package dev.tributary.api;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One partition of a group as seen now.
 *
 * @param partition    the partition
 * @param storedOffset the offset the group resumes from, if it stored one
 * @param endOffset    the offset after the last committed entry
 * @param lag          entries between the stored offset (or the beginning) and the end; an upper bound, as
 *                     transaction markers take offsets too
 * @param owner        the member that owns the partition, if any
 * @param failure      why the partition stopped, if it did
 */
public record PartitionStatus(StreamPartition partition, OptionalLong storedOffset, long endOffset, long lag,
                              Optional<String> owner, Optional<PartitionFailure> failure) {

    public boolean stopped() {
        return failure.isPresent();
    }
}
