package dev.tributary.spi;

import dev.tributary.api.PartitionOutOfRangeException;
import dev.tributary.api.StreamConflictException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.UnknownStreamException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A partitioned, append-only log of named streams: what a backend implements (Kafka, memory).
 *
 * <p><b>Ordering.</b> Order holds within a partition, never across partitions. Offsets strictly increase
 * within a partition but may have gaps (Kafka's transaction markers take offsets): no caller may assume that
 * the next offset is the last one plus one; callers resume from {@link LogEntry#nextOffset()}.
 *
 * <p><b>Visibility.</b> Every read API sees committed records only (Kafka's {@code read_committed}): records of
 * an open or aborted transaction are never returned, and {@link #endOffset} is the last stable offset. As on Kafka,
 * a transaction still open on a partition holds back what was committed after it began, until it ends; "visible"
 * below means visible once no earlier-started transaction on that partition is open. Commit markers reach each
 * partition separately: nothing of a transaction is visible before its commit, all of it once the commit returns.
 *
 * <p><b>Threading.</b> An {@code EventLog} is thread-safe. The {@link GroupMember}s and
 * {@link TransactionalWriter}s it hands out are not: each is used by one thread at a time, except for the
 * methods they document as thread-safe.
 *
 * <p><b>Bad input.</b> An unknown stream raises {@link UnknownStreamException}, a partition out of range
 * {@link PartitionOutOfRangeException}; both name the bad value and change nothing.
 */
public interface EventLog extends AutoCloseable {

    /**
     * Creates the stream, or does nothing if it exists with the same partition count.
     *
     * @throws StreamConflictException if it exists with another partition count
     */
    void createStream(StreamSpec spec);

    /** The stream's spec, if it exists. */
    Optional<StreamSpec> findStream(String stream);

    /** The stream's spec. @throws UnknownStreamException if it does not exist */
    default StreamSpec stream(String stream) {
        return findStream(stream).orElseThrow(() -> new UnknownStreamException(stream));
    }

    /** The partition a key belongs to in this stream, by {@link KeyPartitioner}. */
    default StreamPartition partitionFor(String stream, String key) {
        return new StreamPartition(stream, KeyPartitioner.partitionFor(key, stream(stream).partitions()));
    }

    /**
     * Appends records to one partition atomically: once the future completes, all of them are visible, in
     * the given order, with increasing offsets; if it completes exceptionally, none of them is ever visible.
     * Appends to one partition from one thread keep their call order.
     *
     * @return the offsets assigned, one per record, in order
     */
    CompletableFuture<List<Long>> append(StreamPartition partition, List<LogRecord> records);

    /**
     * Reads committed entries at or after {@code fromOffset}, in offset order, at most {@code maxEntries}.
     * Waits at most {@code timeout} for the first entry; returns an empty list when there is none by then.
     * An offset below the beginning reads from the beginning.
     */
    List<LogEntry> read(StreamPartition partition, long fromOffset, int maxEntries, Duration timeout);

    /** The first offset still in the partition (0 unless records were deleted). */
    long beginningOffset(StreamPartition partition);

    /** The offset after the last committed entry: a consumer at this offset has seen everything. */
    long endOffset(StreamPartition partition);

    /** The first offset whose entry's timestamp is at or after {@code timestamp}, empty if there is none. */
    OptionalLong offsetForTimestamp(StreamPartition partition, Instant timestamp);

    /**
     * Joins a consumer group for the given streams. The member receives its partitions, and loses them, through
     * {@code listener}, called on the thread that calls {@link GroupMember#poll}. Every partition belongs to at
     * most one member of a group at a time; groups are independent of each other.
     */
    GroupMember joinGroup(String group, Set<String> streams, RebalanceListener listener);

    /**
     * The writer for transactional units: appends to several partitions and offsets consumed by a group,
     * committed atomically. Creating a writer fences every earlier writer with the same id, in this process or
     * another: their open and later transactions fail with {@link dev.tributary.api.WriterFencedException}.
     */
    TransactionalWriter transactionalWriter(String transactionalId);

    /**
     * The offsets the log keeps for a group (Kafka's committed offsets), for the partitions that have one.
     * Exactly-once projections keep theirs in the read-model database instead.
     */
    Map<StreamPartition, Long> committedOffsets(String group, Set<StreamPartition> partitions);

    /**
     * Overwrites the offsets the log keeps for a group, as an administrator would. Partitions not named keep theirs.
     *
     * @throws dev.tributary.api.GroupActiveException if the group has live members
     */
    void resetCommittedOffsets(String group, Map<StreamPartition, Long> offsets);

    /** Which member owns which partition of the group right now, and the group's generation. */
    GroupDescription describeGroup(String group);

    /** What this backend does where backends may legitimately differ. */
    LogCapabilities capabilities();

    /** Releases connections and threads. Members and writers it handed out stop working. */
    @Override
    void close();
}
