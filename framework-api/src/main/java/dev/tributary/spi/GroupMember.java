package dev.tributary.spi;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member of a consumer group, shaped like a Kafka consumer.
 *
 * <p><b>Threading.</b> Not thread-safe: one thread polls and calls every method, except {@link #wakeup()}, which
 * any thread may call. The {@link RebalanceListener} runs inside {@link #poll} on the polling thread; during
 * {@link RebalanceListener#onRevoked} the member still owns the revoked partitions and may commit for them.
 *
 * <p><b>Positions.</b> A newly assigned partition starts at the group's committed offset in the log, or at the
 * beginning if there is none; the listener may {@link #seek} elsewhere (exactly-once projections seek to the
 * offsets in their database). A member that stops polling for longer than the backend's poll timeout is
 * removed from the group and its partitions given to others; its later commits fail.
 */
public interface GroupMember extends AutoCloseable {

    String group();

    /** This member's id in the group, unique among the group's members. */
    String memberId();

    /**
     * Delivers rebalances to the listener, then returns the next committed entries of the assigned,
     * unpaused partitions from their positions, advancing them. In order within each partition.
     * Waits at most {@code timeout} when there is nothing; returns early, possibly empty, after
     * {@link #wakeup()}.
     */
    List<LogEntry> poll(Duration timeout);

    /** Sets the next offset {@link #poll} returns for an assigned partition. */
    void seek(StreamPartition partition, long offset);

    /** The next offset {@link #poll} would return for an assigned partition. */
    long position(StreamPartition partition);

    /** The partitions this member owns now. */
    Set<StreamPartition> assignment();

    /** The group's metadata as this member last saw it, to fence a transactional offset commit. */
    GroupMetadata groupMetadata();

    /**
     * Stores the group's offsets in the log (the offset to resume from, i.e. last handled + 1).
     *
     * @throws PartitionFencedException if this member no longer owns one of the partitions; nothing is stored
     * @throws dev.tributary.api.CommitRetriableException if the commit may succeed later (a rebalance in progress, the
     *                                                     group coordinator unavailable); retry after the next poll
     */
    void commitSync(Map<StreamPartition, Long> offsets);

    /** Stops returning entries from these partitions (they stay assigned) until {@link #resume}. */
    void pause(Set<StreamPartition> partitions);

    void resume(Set<StreamPartition> partitions);

    /** Makes a blocked or the next {@link #poll} return promptly. Thread-safe. */
    void wakeup();

    /** Leaves the group: runs {@link RebalanceListener#onRevoked} for owned partitions first, on this thread. */
    @Override
    void close();
}
