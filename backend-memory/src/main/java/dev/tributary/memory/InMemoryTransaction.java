package dev.tributary.memory;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.LogTransaction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A transaction of an {@link InMemoryEventLog}: buffers records and consumed offsets, and hands them to the log on
 * commit, which checks the writer's epoch and each group's generation before applying anything.
 */
final class InMemoryTransaction implements LogTransaction {

    /** Offsets consumed by a group, with the metadata that fences them. */
    record ConsumedOffsets(GroupMetadata metadata, Map<StreamPartition, Long> offsets) {
    }

    private enum State { OPEN, COMMITTED, ABORTED, FAILED }

    private final InMemoryEventLog log;
    private final InMemoryTransactionalWriter writer;
    private final Map<StreamPartition, List<DetachedRecord>> appends = new LinkedHashMap<>();
    private final List<ConsumedOffsets> consumed = new ArrayList<>();
    private State state = State.OPEN;

    InMemoryTransaction(InMemoryEventLog log, InMemoryTransactionalWriter writer) {
        this.log = log;
        this.writer = writer;
    }

    @Override
    public void append(StreamPartition partition, List<LogRecord> records) {
        Objects.requireNonNull(partition, "partition");
        List<DetachedRecord> detached = DetachedRecord.detach(records);
        ensureOpen("append to");
        log.lock.lock();
        try {
            log.ensureOpen();
            log.partitionLog(partition);
        } finally {
            log.lock.unlock();
        }
        appends.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(detached);
    }

    @Override
    public void commitOffsets(Map<StreamPartition, Long> offsets, GroupMetadata metadata) {
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(metadata, "metadata");
        ensureOpen("add offsets to");
        log.lock.lock();
        try {
            log.ensureOpen();
            log.validateOffsets(offsets);
        } finally {
            log.lock.unlock();
        }
        consumed.add(new ConsumedOffsets(metadata, Map.copyOf(offsets)));
    }

    @Override
    public Map<StreamPartition, List<Long>> commit() {
        ensureOpen("commit");
        try {
            Map<StreamPartition, List<Long>> offsets =
                    log.commitTransaction(writer.transactionalId(), writer.epoch(), appends, consumed);
            state = State.COMMITTED;
            return offsets;
        } catch (RuntimeException refused) {
            // The log checks everything before applying anything, so a refused commit left no trace.
            state = State.FAILED;
            throw refused;
        } finally {
            appends.clear();
            consumed.clear();
            writer.ended(this);
        }
    }

    @Override
    public void abort() {
        if (state == State.COMMITTED) {
            throw new IllegalStateException("the transaction of writer '" + writer.transactionalId()
                    + "' was committed; there is nothing left to abort");
        }
        if (state == State.OPEN) {
            state = State.ABORTED;
            appends.clear();
            consumed.clear();
            writer.ended(this);
        }
    }

    private void ensureOpen(String action) {
        if (state != State.OPEN) {
            throw new IllegalStateException("cannot " + action + " a transaction of writer '"
                    + writer.transactionalId() + "' that was already " + state.name().toLowerCase());
        }
    }
}
