package dev.tributary.internal.projection;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.WriterFencedException;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.command.CommandRouter;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.TransactionalWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A processor's member: each batch is one log transaction holding what its handlers emitted and the consumed
 * offsets. A member that lost its partitions while the batch was in flight cannot commit it; it seeks back to the
 * group's committed offsets and carries on with what the next poll gives it.
 */
final class ProcessorWorker extends GroupWorker {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorWorker.class);

    private final CommandRouter commands;
    private final String transactionalId;
    private TransactionalWriter writer;

    ProcessorWorker(ProcessorSpec spec, EventLog log, EventCodec codec, String name, CommandRouter commands,
                    String transactionalId) {
        super(spec, log, codec, name);
        this.commands = commands;
        this.transactionalId = transactionalId;
    }

    @Override
    protected void opened() {
        // Created before the first batch, so that it fences a writer left over from an earlier life of this member.
        writer = log.transactionalWriter(transactionalId);
    }

    @Override
    protected Set<StreamPartition> handle(Map<StreamPartition, List<LogEntry>> batch) {
        LogTransaction tx = null;
        StreamPartition current = null;
        try {
            tx = writer().begin();
            BatchEmitter emitter = new BatchEmitter(log, codec, commands);
            HandlerContext context = HandlerContext.withEmitter(codec, emitter);
            for (Map.Entry<StreamPartition, List<LogEntry>> e : batch.entrySet()) {
                current = e.getKey();
                for (LogEntry entry : e.getValue()) {
                    emitter.open();
                    try {
                        dispatch(context, entry);
                    } finally {
                        emitter.close();
                    }
                }
            }
            current = null;
            emitter.records().forEach(tx::append);
            Map<StreamPartition, Long> next = nextOffsets(batch);
            commit(tx, next);
            committed(next);
            batch.keySet().forEach(this::succeeded);
            return Set.of();
        } catch (PartitionFencedException | WriterFencedException fenced) {
            if (current != null) {
                return failedBatch(batch, tx, current, fenced); // a handler threw it: its own failure, not a fence
            }
            abort(tx, fenced);
            LOG.info("{} of group '{}' could not commit a batch of {}: {}", name, spec.group(),
                    new TreeSet<>(batch.keySet()), fenced.getMessage());
            seekToCommitted(batch.keySet());
            return batch.keySet();
        } catch (Throwable error) {
            rethrowFatal(error);
            return failedBatch(batch, tx, current, error);
        }
    }

    /** Discards the batch; the partition whose handler failed, or every partition if the commit did, retries. */
    private Set<StreamPartition> failedBatch(Map<StreamPartition, List<LogEntry>> batch, LogTransaction tx,
                                             StreamPartition current, Throwable error) {
        abort(tx, error);
        rewind(batch);
        if (current != null) {
            failed(current, batch.get(current).get(0).offset(), error);
        } else {
            batch.forEach((p, entries) -> failed(p, entries.get(0).offset(), error));
        }
        return batch.keySet();
    }

    @Override
    protected void advance(Map<StreamPartition, Long> offsets) {
        LogTransaction tx = null;
        try {
            tx = writer().begin();
            commit(tx, offsets);
            committed(offsets);
        } catch (RuntimeException e) {
            abort(tx, e);
            LOG.debug("{} of group '{}' could not store offsets {}: {}", name, spec.group(), offsets, e.getMessage());
        }
    }

    @Override
    protected Map<StreamPartition, Long> storedOffsets(Set<StreamPartition> partitions) {
        return log.committedOffsets(spec.group(), partitions);
    }

    @Override
    protected void closed() {
        dropWriter();
    }

    private void dropWriter() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    private void commit(LogTransaction tx, Map<StreamPartition, Long> offsets) {
        tx.commitOffsets(offsets, member.groupMetadata());
        tx.commit();
    }

    private TransactionalWriter writer() {
        if (writer == null) {
            writer = log.transactionalWriter(transactionalId);
        }
        return writer;
    }

    private void abort(LogTransaction tx, Throwable cause) {
        try {
            if (tx != null) {
                tx.abort();
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        if (cause instanceof WriterFencedException) {
            // A fenced writer fails every later transaction too; the next batch gets a new one under the same id.
            LOG.warn("{} of group '{}': transactional writer '{}' was fenced by another with the same id; do two live "
                    + "processes use the same instance id?", name, spec.group(), transactionalId);
            dropWriter();
        }
    }

    /** After a fenced commit the positions are past work that was not stored: go back to what the group stored. */
    private void seekToCommitted(Set<StreamPartition> partitions) {
        Set<StreamPartition> owned = new TreeSet<>(partitions);
        owned.retainAll(member.assignment());
        if (owned.isEmpty()) {
            return;
        }
        Map<StreamPartition, Long> committed = log.committedOffsets(spec.group(), owned);
        for (StreamPartition p : owned) {
            Long offset = committed.get(p);
            seek(p, offset != null ? offset : log.beginningOffset(p));
        }
    }
}
