package dev.tributary.api;

import java.time.Duration;

/**
 * This process's member of a consumer group, as returned when a projection or processor is started.
 * Thread-safe.
 */
public interface GroupHandle extends AutoCloseable {

    String group();

    /** This member's id in the group. */
    String memberId();

    /** Every partition of the group's streams: stored offset, end offset, lag, owner, and why it stopped if it did. */
    GroupStatus status();

    /**
     * Waits until the group's stored offsets reach the end offsets as they were when this was called, for every
     * partition. Returns false on timeout, or at once if a partition stopped with an error.
     */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException;

    /** Clears a stopped partition's failure; it resumes from its stored offset. */
    void restart(StreamPartition partition);

    /** Leaves the group after the batch in flight; other members take over its partitions. */
    @Override
    void close();
}
