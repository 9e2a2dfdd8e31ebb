package dev.tributary.api;

import java.util.Collection;

/**
 * A commit was refused because the committer no longer owns the partition: it was revoked or given to
 * another member of the group (a newer generation) while the work was in flight. Nothing of the refused
 * commit is applied; the new owner redoes the work from the last committed offset.
 */
public class PartitionFencedException extends TributaryException {

    public PartitionFencedException(String group, Collection<StreamPartition> partitions, String detail) {
        super("group '" + group + "' no longer owns " + partitions + " here: " + detail);
    }
}
