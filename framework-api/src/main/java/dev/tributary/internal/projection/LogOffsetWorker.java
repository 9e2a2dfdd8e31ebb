package dev.tributary.internal.projection;

import dev.tributary.api.CommitRetriableException;
import dev.tributary.api.Guarantee;
import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.internal.EventCodec;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An at-least-once or at-most-once projection's member: offsets live in the log. At-least-once commits after the
 * batch is handled, so a crash repeats it; at-most-once commits before, so a crash skips it. Neither skips an event
 * whose handler failed: the partition retries from that event, and stops there after the last attempt.
 */
final class LogOffsetWorker extends GroupWorker {

    private static final Logger LOG = LoggerFactory.getLogger(LogOffsetWorker.class);

    private final boolean commitFirst;
    /** Handled offsets the log refused for now (a rebalance in progress); committed after the next poll. */
    private final Map<StreamPartition, Long> pending = new HashMap<>();

    LogOffsetWorker(GroupSpec spec, EventLog log, EventCodec codec, String name) {
        super(spec, log, codec, name);
        this.commitFirst = spec.guarantee() == Guarantee.AT_MOST_ONCE;
    }

    @Override
    protected Set<StreamPartition> handle(Map<StreamPartition, List<LogEntry>> batch) {
        if (commitFirst) {
            Map<StreamPartition, Long> next = nextOffsets(batch);
            if (!commit(next)) {
                // Not stored, so not handled either: the batch comes again after the next poll, if still ours.
                rewind(batch);
                return batch.keySet();
            }
        }
        HandlerContext context = HandlerContext.plain(codec);
        Set<StreamPartition> rewound = new HashSet<>();
        batch.forEach((p, entries) -> {
            for (LogEntry entry : entries) {
                try {
                    dispatch(context, entry);
                } catch (Throwable error) {
                    rethrowFatal(error);
                    seek(p, entry.offset());
                    rewound.add(p);
                    // Store the failed event's offset: at-least-once keeps what was handled before it, at-most-once
                    // (already stored past it) puts it back, so that no restart or new owner skips it.
                    pending.put(p, entry.offset());
                    failed(p, entry.offset(), error);
                    return;
                }
            }
            if (!commitFirst) {
                pending.put(p, entries.get(entries.size() - 1).nextOffset());
            }
            succeeded(p);
        });
        commitPending();
        return rewound;
    }

    @Override
    protected void beforePoll() {
        commitPending();
    }

    @Override
    protected void advance(Map<StreamPartition, Long> offsets) {
        pending.putAll(offsets);
        commitPending();
    }

    @Override
    protected void revoked(Set<StreamPartition> partitions) {
        Map<StreamPartition, Long> handled = new HashMap<>(pending);
        handled.keySet().retainAll(partitions);
        if (!handled.isEmpty() && !commit(handled)) {
            LOG.warn("{} of group '{}' could not commit {} before losing them; their new owner resumes from what was "
                    + "stored before", name, spec.group(), handled);
        }
        pending.keySet().removeAll(partitions);
    }

    @Override
    protected void lost(Set<StreamPartition> partitions) {
        pending.keySet().removeAll(partitions);
    }

    @Override
    protected Map<StreamPartition, Long> storedOffsets(Set<StreamPartition> partitions) {
        return log.committedOffsets(spec.group(), partitions);
    }

    private void commitPending() {
        if (!pending.isEmpty()) {
            commit(Map.copyOf(pending));
        }
    }

    /** Commits to the log; false if it must be tried again after the next poll. */
    private boolean commit(Map<StreamPartition, Long> offsets) {
        try {
            member.commitSync(offsets);
            committed(offsets);
            // What waited to be committed for these partitions is older than what just was.
            pending.keySet().removeAll(offsets.keySet());
            return true;
        } catch (CommitRetriableException e) {
            LOG.debug("{} of group '{}': commit of {} must wait for the rebalance in progress", name, spec.group(),
                    offsets);
            return false;
        } catch (PartitionFencedException e) {
            // The partitions are gone; their new owner starts from the last stored offsets.
            LOG.info("{} of group '{}' could not commit {}: {}", name, spec.group(), offsets, e.getMessage());
            pending.keySet().removeAll(offsets.keySet());
            return false;
        }
    }
}
