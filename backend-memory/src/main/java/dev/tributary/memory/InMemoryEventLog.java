package dev.tributary.memory;

import dev.tributary.api.GroupActiveException;
import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.PartitionOutOfRangeException;
import dev.tributary.api.StreamConflictException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.api.WriterFencedException;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogCapabilities;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.RebalanceListener;
import dev.tributary.spi.TransactionalWriter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link EventLog} in memory that behaves like Kafka wherever the contract lets backends differ in detail, so
 * that code tested against it behaves the same on Kafka: the test double Tributary users get.
 *
 * <ul>
 *   <li>Every append and every committed transaction takes one extra offset per partition it wrote, for Kafka's
 *       commit marker, so offsets have gaps; timestamps are kept in epoch milliseconds.</li>
 *   <li>A member enters its group at its first {@link GroupMember#poll}, as a Kafka consumer does. Partitions move
 *       in Kafka's cooperative two-step rebalance, each member releasing and taking partitions in its own poll;
 *       the assignment is balanced and sticky.</li>
 *   <li>A member that does not poll for {@link Builder#maxPollInterval} (Kafka's {@code max.poll.interval.ms}) is
 *       evicted: its partitions go to the others, its commits fail, and its next poll reports them lost and rejoins
 *       under a new member id.</li>
 *   <li>A transactional offset commit is refused once the group's generation moved past the member's (Kafka's
 *       {@code ILLEGAL_GENERATION}); a plain {@link GroupMember#commitSync} is refused only for partitions the
 *       member does not own, and is never retriable.</li>
 * </ul>
 *
 * <p>Thread-safe; nothing survives the process ({@link LogCapabilities#durable()} is false). No thread is started:
 * evictions happen when the group is next touched, and waiting members wake up for them.
 */
public final class InMemoryEventLog implements EventLog {

    private static final LogCapabilities CAPABILITIES = new LogCapabilities(true, false);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** Guards all state; one lock makes a transaction visible on every partition at once. */
    final ReentrantLock lock = new ReentrantLock();
    final long maxPollNanos;
    final int maxPollRecords;
    private final String name;
    private final Duration maxPollInterval;
    private final Map<String, PartitionLog[]> streams = new HashMap<>();
    private final Map<String, ConsumerGroup> groups = new HashMap<>();
    private final Map<String, Integer> writerEpochs = new HashMap<>();
    private volatile boolean closed;

    private InMemoryEventLog(Builder builder) {
        this.name = builder.name != null ? builder.name : "memory-" + INSTANCES.incrementAndGet();
        this.maxPollInterval = builder.maxPollInterval != null ? builder.maxPollInterval : Builder.DEFAULT_MAX_POLL_INTERVAL;
        this.maxPollNanos = maxPollInterval.toNanos();
        this.maxPollRecords = builder.maxPollRecords != 0 ? builder.maxPollRecords : Builder.DEFAULT_MAX_POLL_RECORDS;
    }

    /** A log with Kafka's defaults: members are evicted after 5 minutes without polling, polls return up to 500. */
    public static InMemoryEventLog create() {
        return builder().build();
    }

    /** A builder for a log with other settings than {@link #create()}'s. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void createStream(StreamSpec spec) {
        Objects.requireNonNull(spec, "spec");
        lock.lock();
        try {
            ensureOpen();
            PartitionLog[] existing = streams.get(spec.name());
            if (existing != null) {
                if (existing.length != spec.partitions()) {
                    throw new StreamConflictException(spec.name(), existing.length, spec.partitions());
                }
                return;
            }
            PartitionLog[] partitions = new PartitionLog[spec.partitions()];
            for (int p = 0; p < partitions.length; p++) {
                partitions[p] = new PartitionLog(new StreamPartition(spec.name(), p));
            }
            streams.put(spec.name(), partitions);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<StreamSpec> findStream(String stream) {
        Objects.requireNonNull(stream, "stream");
        lock.lock();
        try {
            ensureOpen();
            PartitionLog[] partitions = streams.get(stream);
            return partitions == null ? Optional.empty() : Optional.of(new StreamSpec(stream, partitions.length));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<List<Long>> append(StreamPartition partition, List<LogRecord> records) {
        Objects.requireNonNull(partition, "partition");
        List<DetachedRecord> detached = DetachedRecord.detach(records);
        lock.lock();
        try {
            ensureOpen();
            PartitionLog log = partitionLog(partition);
            if (detached.isEmpty()) {
                return CompletableFuture.completedFuture(List.of());
            }
            return CompletableFuture.completedFuture(boxed(log.appendCommitted(detached)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<LogEntry> read(StreamPartition partition, long fromOffset, int maxEntries, Duration timeout) {
        Objects.requireNonNull(partition, "partition");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        long deadline = deadline(timeout);
        Condition grown = null;
        lock.lock();
        try {
            while (true) {
                ensureOpen();
                PartitionLog log = partitionLog(partition);
                long from = Math.max(fromOffset, log.beginningOffset());
                if (log.available(from) > 0) {
                    List<LogEntry> entries = new ArrayList<>(Math.min(maxEntries, log.available(from)));
                    log.copyFrom(from, maxEntries, entries);
                    return Collections.unmodifiableList(entries);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return List.of();
                }
                if (grown == null) {
                    grown = lock.newCondition();
                }
                log.addWatcher(grown);
                try {
                    grown.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                } finally {
                    log.removeWatcher(grown);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long beginningOffset(StreamPartition partition) {
        Objects.requireNonNull(partition, "partition");
        return whileOpen(() -> partitionLog(partition).beginningOffset());
    }

    @Override
    public long endOffset(StreamPartition partition) {
        Objects.requireNonNull(partition, "partition");
        return whileOpen(() -> partitionLog(partition).endOffset());
    }

    @Override
    public OptionalLong offsetForTimestamp(StreamPartition partition, Instant timestamp) {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(timestamp, "timestamp");
        return whileOpen(() -> partitionLog(partition).offsetForTimestamp(timestamp));
    }

    @Override
    public GroupMember joinGroup(String group, Set<String> streams, RebalanceListener listener) {
        requireName(group, "group");
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(listener, "listener");
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("a member of group '" + group + "' needs at least one stream");
        }
        lock.lock();
        try {
            ensureOpen();
            for (String stream : streams) {
                Objects.requireNonNull(stream, "a stream in the set is null");
                if (!this.streams.containsKey(stream)) {
                    throw new UnknownStreamException(stream);
                }
            }
            ConsumerGroup consumerGroup = groups.computeIfAbsent(group, id -> new ConsumerGroup(id, this::partitionCount));
            return new InMemoryGroupMember(this, consumerGroup, Set.copyOf(streams), listener);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TransactionalWriter transactionalWriter(String transactionalId) {
        requireName(transactionalId, "transactionalId");
        lock.lock();
        try {
            ensureOpen();
            int epoch = writerEpochs.merge(transactionalId, 1, Integer::sum);
            return new InMemoryTransactionalWriter(this, transactionalId, epoch);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<StreamPartition, Long> committedOffsets(String group, Set<StreamPartition> partitions) {
        requireName(group, "group");
        Objects.requireNonNull(partitions, "partitions");
        lock.lock();
        try {
            ensureOpen();
            partitions.forEach(this::partitionLog);
            ConsumerGroup consumerGroup = groups.get(group);
            if (consumerGroup == null) {
                return Map.of();
            }
            Map<StreamPartition, Long> offsets = new HashMap<>();
            for (StreamPartition p : partitions) {
                Long offset = consumerGroup.committedOffset(p);
                if (offset != null) {
                    offsets.put(p, offset);
                }
            }
            return Map.copyOf(offsets);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resetCommittedOffsets(String group, Map<StreamPartition, Long> offsets) {
        requireName(group, "group");
        Objects.requireNonNull(offsets, "offsets");
        lock.lock();
        try {
            ensureOpen();
            validateOffsets(offsets);
            ConsumerGroup consumerGroup = group(group);
            consumerGroup.expireOverdue(System.nanoTime(), maxPollNanos);
            if (consumerGroup.liveMembers() > 0) {
                throw new GroupActiveException(group, consumerGroup.liveMembers());
            }
            consumerGroup.commit(offsets);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public GroupDescription describeGroup(String group) {
        requireName(group, "group");
        lock.lock();
        try {
            ensureOpen();
            ConsumerGroup consumerGroup = groups.get(group);
            if (consumerGroup == null) {
                return new GroupDescription(group, 0, Map.of());
            }
            consumerGroup.expireOverdue(System.nanoTime(), maxPollNanos);
            return consumerGroup.describe();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LogCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Wakes every blocked read and poll; from then on members, writers and this log refuse to work. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (PartitionLog[] partitions : streams.values()) {
                for (PartitionLog partition : partitions) {
                    partition.signalWatchers();
                }
            }
            groups.values().forEach(ConsumerGroup::signalMembers);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "InMemoryEventLog[" + name + ", maxPollInterval=" + maxPollInterval + "]";
    }

    // ---- for the members, writers and transactions of this package; the lookups need the lock held ----

    /**
     * Applies a transaction: checks everything first so that a refused commit changes nothing, then appends every
     * partition's records and stores the offsets under the one lock, so readers see all of it or none.
     */
    Map<StreamPartition, List<Long>> commitTransaction(String transactionalId, int epoch,
                                                       Map<StreamPartition, List<DetachedRecord>> appends,
                                                       List<InMemoryTransaction.ConsumedOffsets> consumed) {
        lock.lock();
        try {
            ensureOpen();
            int newest = writerEpochs.get(transactionalId);
            if (newest != epoch) {
                throw new WriterFencedException(transactionalId, "this writer has epoch " + epoch
                        + " and the newest has epoch " + newest + "; nothing was committed");
            }
            long now = System.nanoTime();
            for (InMemoryTransaction.ConsumedOffsets offsets : consumed) {
                GroupMetadata metadata = offsets.metadata();
                ConsumerGroup group = group(metadata.group());
                group.expireOverdue(now, maxPollNanos);
                if (group.member(metadata.memberId()) == null) {
                    throw new PartitionFencedException(metadata.group(), offsets.offsets().keySet(), "member '"
                            + metadata.memberId() + "' is not in the group (it left or was evicted for not polling"
                            + " within " + maxPollInterval + "); nothing was committed");
                }
                if (metadata.generation() != group.generation()) {
                    throw new PartitionFencedException(metadata.group(), offsets.offsets().keySet(), "member '"
                            + metadata.memberId() + "' is at generation " + metadata.generation()
                            + " but the group is at generation " + group.generation()
                            + " (a rebalance happened since its last poll); nothing was committed");
                }
            }
            Map<StreamPartition, List<Long>> assigned = new LinkedHashMap<>();
            appends.forEach((partition, records) -> {
                if (!records.isEmpty()) {
                    assigned.put(partition, boxed(partitionLog(partition).appendCommitted(records)));
                }
            });
            for (InMemoryTransaction.ConsumedOffsets offsets : consumed) {
                groups.get(offsets.metadata().group()).commit(offsets.offsets());
            }
            return Collections.unmodifiableMap(assigned);
        } finally {
            lock.unlock();
        }
    }

    /** Refuses a fenced writer before it starts work it could never commit. */
    void ensureNewestWriter(String transactionalId, int epoch) {
        lock.lock();
        try {
            ensureOpen();
            int newest = writerEpochs.get(transactionalId);
            if (newest != epoch) {
                throw new WriterFencedException(transactionalId, "this writer has epoch " + epoch
                        + " and the newest has epoch " + newest);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The partition's storage. @throws UnknownStreamException, PartitionOutOfRangeException */
    PartitionLog partitionLog(StreamPartition partition) {
        PartitionLog[] partitions = streams.get(partition.stream());
        if (partitions == null) {
            throw new UnknownStreamException(partition.stream());
        }
        if (partition.partition() >= partitions.length) {
            throw new PartitionOutOfRangeException(partition.stream(), partition.partition(), partitions.length);
        }
        return partitions[partition.partition()];
    }

    /** Checks that every partition exists and every offset is one a consumer could resume from. */
    void validateOffsets(Map<StreamPartition, Long> offsets) {
        offsets.forEach((partition, offset) -> {
            Objects.requireNonNull(partition, "a partition in the offsets is null");
            Objects.requireNonNull(offset, () -> "the offset for " + partition + " is null");
            partitionLog(partition);
            if (offset < 0) {
                throw new IllegalArgumentException("offset for " + partition + " must be >= 0, got " + offset);
            }
        });
    }

    ConsumerGroup group(String group) {
        return groups.computeIfAbsent(group, id -> new ConsumerGroup(id, this::partitionCount));
    }

    Duration maxPollInterval() {
        return maxPollInterval;
    }

    boolean isClosed() {
        return closed;
    }

    /** Runs a read under the log's lock, after checking the log is still open. */
    private <T> T whileOpen(Supplier<T> read) {
        lock.lock();
        try {
            ensureOpen();
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("in-memory event log '" + name + "' is closed");
        }
    }

    private int partitionCount(String stream) {
        return streams.get(stream).length;
    }

    static long deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        long now = System.nanoTime();
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        // Saturate: a timeout of years must not wrap around into the past.
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    private static List<Long> boxed(long[] offsets) {
        List<Long> list = new ArrayList<>(offsets.length);
        for (long offset : offsets) {
            list.add(offset);
        }
        return Collections.unmodifiableList(list);
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank, got '" + value + "'");
        }
    }

    /**
     * Builds an {@link InMemoryEventLog}. Each option may be set once; a bad value is refused when it is set, by
     * name.
     */
    public static final class Builder {

        static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);
        static final int DEFAULT_MAX_POLL_RECORDS = 500;

        private Duration maxPollInterval;
        private int maxPollRecords;
        private String name;

        private Builder() {
        }

        /**
         * How long a member may go without polling before it is evicted and its partitions given to the others;
         * default 5 minutes (Kafka's {@code max.poll.interval.ms}). From 1 ms to {@code Integer.MAX_VALUE} ms, as
         * on Kafka.
         */
        public Builder maxPollInterval(Duration maxPollInterval) {
            Objects.requireNonNull(maxPollInterval, "maxPollInterval");
            if (this.maxPollInterval != null) {
                throw new IllegalStateException("maxPollInterval was already set to " + this.maxPollInterval);
            }
            if (maxPollInterval.compareTo(Duration.ofMillis(1)) < 0
                    || maxPollInterval.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("maxPollInterval must be from 1 ms to " + Integer.MAX_VALUE
                        + " ms, got " + maxPollInterval);
            }
            this.maxPollInterval = maxPollInterval;
            return this;
        }

        /**
         * At most this many entries per {@link GroupMember#poll}, taken one partition after another as Kafka does;
         * default 500.
         */
        public Builder maxPollRecords(int maxPollRecords) {
            if (this.maxPollRecords != 0) {
                throw new IllegalStateException("maxPollRecords was already set to " + this.maxPollRecords);
            }
            if (maxPollRecords < 1) {
                throw new IllegalArgumentException("maxPollRecords must be >= 1, got " + maxPollRecords);
            }
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        /** The name error messages use for this log, e.g. when it is used after close; default "memory-N". */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (this.name != null) {
                throw new IllegalStateException("name was already set to '" + this.name + "'");
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
            }
            this.name = name;
            return this;
        }

        public InMemoryEventLog build() {
            return new InMemoryEventLog(this);
        }
    }
}
