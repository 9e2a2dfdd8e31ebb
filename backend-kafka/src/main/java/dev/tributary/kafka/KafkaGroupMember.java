package dev.tributary.kafka;

import dev.tributary.api.CommitRetriableException;
import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.RebalanceListener;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A {@link GroupMember} over a subscribed {@link KafkaConsumer}. Kafka's rebalance callbacks run inside
 * {@code poll} and {@code close} on the calling thread, which is what the SPI promises.
 *
 * <p>Kafka's {@code wakeup} also interrupts the next blocking call that is not a poll; the SPI only lets it
 * end a poll, so other calls absorb it and re-arm it for the next poll.
 */
final class KafkaGroupMember implements GroupMember {

    private final String group;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Runnable onClose;
    /** Read from other threads (log-level describeGroup, handles); written by the polling thread only. */
    private volatile String memberId = "";
    private volatile int generation;
    private RuntimeException callbackFailure;
    private boolean closed;
    /** Set when the log closes while another thread may be inside this member; that thread closes the consumer. */
    private volatile boolean logClosed;

    KafkaGroupMember(String group, Set<String> streams, KafkaConsumer<String, byte[]> consumer,
                     RebalanceListener listener, Runnable onClose) {
        this.group = group;
        this.consumer = consumer;
        this.onClose = onClose;
        consumer.subscribe(streams, new ListenerAdapter(listener));
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public String memberId() {
        return memberId;
    }

    /** The generation this member last joined with, 0 before its first join. Thread-safe. */
    int generation() {
        return generation;
    }

    @Override
    public List<LogEntry> poll(Duration timeout) {
        ensureOpen();
        List<LogEntry> entries = new ArrayList<>();
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
                entries.add(KafkaRecords.toLogEntry(record));
            }
        } catch (WakeupException e) {
            return List.of();
        } catch (KafkaException e) {
            rethrowCallbackFailure();
            throw e;
        } finally {
            refreshMetadata();
        }
        rethrowCallbackFailure();
        return entries;
    }

    @Override
    public void seek(StreamPartition partition, long offset) {
        ensureOpen();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset + " for " + partition);
        }
        consumer.seek(KafkaRecords.topicPartition(partition), offset);
    }

    @Override
    public long position(StreamPartition partition) {
        ensureOpen();
        return absorbingWakeup(() -> consumer.position(KafkaRecords.topicPartition(partition)));
    }

    @Override
    public Set<StreamPartition> assignment() {
        ensureOpen();
        return toStreamPartitions(consumer.assignment());
    }

    @Override
    public GroupMetadata groupMetadata() {
        ensureOpen();
        refreshMetadata();
        return new GroupMetadata(group, generation, memberId);
    }

    @Override
    public void commitSync(Map<StreamPartition, Long> offsets) {
        ensureOpen();
        if (offsets.isEmpty()) {
            return;
        }
        Set<TopicPartition> owned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        List<StreamPartition> notOwned = new ArrayList<>();
        offsets.forEach((partition, offset) -> {
            TopicPartition tp = KafkaRecords.topicPartition(partition);
            if (!owned.contains(tp)) {
                notOwned.add(partition);
            }
            commits.put(tp, new OffsetAndMetadata(offset));
        });
        // Kafka checks the member and generation only; a partition revoked in a cooperative rebalance would
        // still commit with the member's newer generation.
        if (!notOwned.isEmpty()) {
            throw new PartitionFencedException(group, notOwned, "they are not assigned to member " + memberId);
        }
        try {
            absorbingWakeup(() -> {
                consumer.commitSync(commits);
                return null;
            });
        } catch (CommitFailedException | FencedInstanceIdException | IllegalGenerationException
                 | UnknownMemberIdException e) {
            throw new PartitionFencedException(group, offsets.keySet(), e.getMessage());
        } catch (RebalanceInProgressException e) {
            throw new CommitRetriableException("group '" + group + "' is rebalancing; commit again after the next poll: "
                    + e.getMessage(), e);
        } catch (TimeoutException | RetriableCommitFailedException e) {
            // The coordinator is unreachable (a broker restarting): committing the same offsets again is harmless.
            throw new CommitRetriableException("group '" + group + "' could not reach its coordinator; commit again "
                    + "after the next poll: " + e.getMessage(), e);
        }
    }

    @Override
    public void pause(Set<StreamPartition> partitions) {
        ensureOpen();
        consumer.pause(toTopicPartitions(partitions));
    }

    @Override
    public void resume(Set<StreamPartition> partitions) {
        ensureOpen();
        consumer.resume(toTopicPartitions(partitions));
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        KafkaException failure = null;
        try {
            consumer.close();
        } catch (WakeupException e) {
            // a wakeup meant for a poll that will never come; the consumer closes regardless
        } catch (KafkaException e) {
            failure = e;
        }
        // Not reached on ConcurrentModificationException: then the consumer is in use and still open.
        closed = true;
        onClose.run();
        rethrowCallbackFailure();
        if (failure != null) {
            throw failure;
        }
    }

    /** Called by the log's close; if the polling thread is inside the consumer, it closes it on its next call. */
    void closeFromLog() {
        logClosed = true;
        consumer.wakeup();
        try {
            close();
        } catch (ConcurrentModificationException e) {
            // in use by its polling thread: ensureOpen closes it there
        } catch (RuntimeException e) {
            // the log is closing; a failing revocation callback has no one left to tell
        }
    }

    private void ensureOpen() {
        if (logClosed && !closed) {
            try {
                close();
            } catch (RuntimeException e) {
                // the member is being discarded with its log; its callback failure is moot
            }
        }
        if (closed) {
            throw new IllegalStateException("member " + memberId + " of group '" + group + "' is closed");
        }
    }

    private void refreshMetadata() {
        ConsumerGroupMetadata metadata = consumer.groupMetadata();
        memberId = metadata.memberId();
        generation = Math.max(0, metadata.generationId());
    }

    private <T> T absorbingWakeup(Supplier<T> call) {
        boolean wakeupPending = false;
        try {
            while (true) {
                try {
                    return call.get();
                } catch (WakeupException e) {
                    wakeupPending = true;
                }
            }
        } finally {
            if (wakeupPending) {
                consumer.wakeup();
            }
        }
    }

    private void rethrowCallbackFailure() {
        RuntimeException failure = callbackFailure;
        callbackFailure = null;
        if (failure != null) {
            throw failure;
        }
    }

    private static Set<StreamPartition> toStreamPartitions(Collection<TopicPartition> partitions) {
        Set<StreamPartition> result = new TreeSet<>();
        for (TopicPartition tp : partitions) {
            result.add(KafkaRecords.streamPartition(tp));
        }
        return result;
    }

    private static List<TopicPartition> toTopicPartitions(Set<StreamPartition> partitions) {
        List<TopicPartition> result = new ArrayList<>(partitions.size());
        for (StreamPartition partition : partitions) {
            result.add(KafkaRecords.topicPartition(partition));
        }
        return result;
    }

    /**
     * Forwards Kafka's callbacks. A callback that throws fails the poll with its own exception: Kafka would wrap it,
     * so it is kept here and rethrown as it was.
     */
    private final class ListenerAdapter implements ConsumerRebalanceListener {

        private final RebalanceListener listener;

        ListenerAdapter(RebalanceListener listener) {
            this.listener = listener;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            refreshMetadata();
            // The cooperative protocol reports every rebalance, usually with nothing new for this member.
            if (!partitions.isEmpty()) {
                guarded(() -> listener.onAssigned(toStreamPartitions(partitions), generation));
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                guarded(() -> listener.onRevoked(toStreamPartitions(partitions)));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                guarded(() -> listener.onLost(toStreamPartitions(partitions)));
            }
        }

        private void guarded(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException | Error e) {
                if (callbackFailure == null && e instanceof RuntimeException runtime) {
                    callbackFailure = runtime;
                }
                throw e;
            }
        }
    }
}
