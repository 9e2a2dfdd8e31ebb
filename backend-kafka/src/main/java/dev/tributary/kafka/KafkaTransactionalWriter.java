package dev.tributary.kafka;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.TributaryException;
import dev.tributary.api.WriterFencedException;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.TransactionalWriter;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link TransactionalWriter} over one transactional {@link KafkaProducer}. Creating it initialises
 * transactions, which fences every older producer with the same transactional id and aborts its open transaction.
 *
 * <p>Once fenced by a newer writer it stays fenced: recreating its producer would in turn fence the newer writer,
 * which is the legitimate owner. Other failures that leave the producer unusable (an unknown commit outcome, an
 * error state Kafka cannot abort) are repaired with a new producer at the next {@link #begin()}.
 */
final class KafkaTransactionalWriter implements TransactionalWriter {

    private static final Duration COMMIT_RETRY = Duration.ofMinutes(2);

    private final String transactionalId;
    private final Supplier<KafkaProducer<String, byte[]>> producers;
    private final Consumer<StreamPartition> partitionCheck;
    private final Consumer<Map<TopicPartition, Long>> visible;
    private final Runnable onClose;
    private KafkaProducer<String, byte[]> producer;
    private Transaction open;
    private volatile String fencedBecause;
    private volatile boolean closed;

    /**
     * @param producers      a new producer with this writer's transactional id, transactions initialised
     * @param partitionCheck throws for an unknown stream or a partition out of range
     * @param visible        waits until readers see records up to the given offsets
     */
    KafkaTransactionalWriter(String transactionalId, Supplier<KafkaProducer<String, byte[]>> producers,
                             Consumer<StreamPartition> partitionCheck, Consumer<Map<TopicPartition, Long>> visible,
                             Runnable onClose) {
        this.transactionalId = transactionalId;
        this.producers = producers;
        this.partitionCheck = partitionCheck;
        this.visible = visible;
        this.onClose = onClose;
        this.producer = producers.get();
    }

    @Override
    public String transactionalId() {
        return transactionalId;
    }

    @Override
    public LogTransaction begin() {
        if (closed) {
            throw new IllegalStateException("transactional writer '" + transactionalId + "' is closed");
        }
        if (open != null && !open.ended) {
            throw new IllegalStateException("the previous transaction of writer '" + transactionalId
                    + "' was neither committed nor aborted");
        }
        if (producer == null && fencedBecause == null) {
            producer = producers.get();
        }
        open = new Transaction();
        return open;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (open != null && !open.ended) {
                open.abort();
            }
        } finally {
            discardProducer();
            onClose.run();
        }
    }

    private void fence(KafkaException cause) {
        fencedBecause = cause.getMessage();
        discardProducer();
    }

    private void discardProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (KafkaException e) {
                // already unusable; nothing more to release
            }
            producer = null;
        }
    }

    private WriterFencedException fenced() {
        return new WriterFencedException(transactionalId, fencedBecause);
    }

    /** The fencing error anywhere in a Kafka exception's causes, if any. */
    private static KafkaException fencing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof TransactionalIdAuthorizationException) {
                return (KafkaException) t;
            }
        }
        return null;
    }

    /** The consumer-group fencing error anywhere in a Kafka exception's causes, if any. */
    private static KafkaException groupFencing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommitFailedException || t instanceof IllegalGenerationException
                    || t instanceof UnknownMemberIdException || t instanceof FencedInstanceIdException) {
                return (KafkaException) t;
            }
        }
        return null;
    }

    /**
     * One transaction. Records are sent as they are appended so that the commit only waits for the tail; consumed
     * offsets are sent at commit, so that the group's generation is checked as late as possible. Every failure
     * surfaces at {@link #commit()}.
     */
    private final class Transaction implements LogTransaction {

        private final Map<StreamPartition, List<Future<RecordMetadata>>> sends = new LinkedHashMap<>();
        private final Map<String, GroupMetadata> groups = new LinkedHashMap<>();
        private final Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = new HashMap<>();
        private boolean began;
        private boolean ended;
        private KafkaException failure;

        @Override
        public void append(StreamPartition partition, List<LogRecord> records) {
            ensureActive();
            partitionCheck.accept(partition);
            if (records.isEmpty() || fencedBecause != null || failure != null) {
                return;
            }
            TopicPartition tp = KafkaRecords.topicPartition(partition);
            List<Future<RecordMetadata>> futures = sends.computeIfAbsent(partition, p -> new ArrayList<>());
            try {
                beginIfNeeded();
                for (LogRecord record : records) {
                    futures.add(producer.send(KafkaRecords.toProducerRecord(tp, record)));
                }
            } catch (KafkaException e) {
                failure = e;
            }
        }

        @Override
        public void commitOffsets(Map<StreamPartition, Long> consumed, GroupMetadata metadata) {
            ensureActive();
            consumed.keySet().forEach(partitionCheck);
            groups.put(metadata.group(), metadata);
            Map<TopicPartition, OffsetAndMetadata> forGroup = offsets.computeIfAbsent(metadata.group(), g -> new HashMap<>());
            consumed.forEach((partition, offset) -> {
                if (offset < 0) {
                    throw new IllegalArgumentException("offset must be >= 0, got " + offset + " for " + partition);
                }
                forGroup.put(KafkaRecords.topicPartition(partition), new OffsetAndMetadata(offset));
            });
        }

        @Override
        public Map<StreamPartition, List<Long>> commit() {
            ensureActive();
            ended = true;
            if (fencedBecause != null) {
                throw fenced();
            }
            if (failure != null) {
                throw failed(failure);
            }
            if (!began && groups.isEmpty()) {
                return Map.of();
            }
            try {
                beginIfNeeded();
                for (Map.Entry<String, GroupMetadata> group : groups.entrySet()) {
                    GroupMetadata m = group.getValue();
                    producer.sendOffsetsToTransaction(offsets.get(group.getKey()),
                            new ConsumerGroupMetadata(m.group(), m.generation(), m.memberId(), Optional.empty()));
                }
                commitWithRetry();
            } catch (KafkaException e) {
                throw failed(e);
            }
            Map<StreamPartition, List<Long>> result = new LinkedHashMap<>();
            Map<TopicPartition, Long> last = new HashMap<>();
            sends.forEach((partition, futures) -> {
                List<Long> offsets = offsetsOf(futures);
                result.put(partition, offsets);
                if (!offsets.isEmpty()) {
                    last.put(KafkaRecords.topicPartition(partition), offsets.get(offsets.size() - 1));
                }
            });
            visible.accept(last);
            return result;
        }

        @Override
        public void abort() {
            if (ended) {
                return;
            }
            ended = true;
            if (began && producer != null) {
                abortQuietly();
            }
        }

        private void commitWithRetry() {
            long deadline = System.nanoTime() + COMMIT_RETRY.toNanos();
            while (true) {
                try {
                    producer.commitTransaction();
                    return;
                } catch (TimeoutException e) {
                    // Kafka allows retrying a timed-out commit; the broker may be restarting.
                    if (System.nanoTime() - deadline >= 0) {
                        discardProducer();
                        throw new TributaryException("the commit of writer '" + transactionalId
                                + "' timed out; whether it was applied is unknown: " + e.getMessage(), e);
                    }
                }
            }
        }

        /** Aborts what is left of the transaction and names the failure. */
        private RuntimeException failed(KafkaException e) {
            KafkaException fencing = fencing(e);
            if (fencing != null) {
                fence(fencing);
                return fenced();
            }
            abortQuietly();
            KafkaException groupFencing = groupFencing(e);
            if (groupFencing != null) {
                String group = groups.keySet().iterator().next();
                List<StreamPartition> partitions = new ArrayList<>();
                offsets.values().forEach(o -> o.keySet().forEach(tp -> partitions.add(KafkaRecords.streamPartition(tp))));
                return new PartitionFencedException(group, partitions, groupFencing.getMessage());
            }
            return new TributaryException("the transaction of writer '" + transactionalId
                    + "' failed and was aborted: " + e.getMessage(), e);
        }

        private void abortQuietly() {
            if (producer == null) {
                return;
            }
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                KafkaException fencing = fencing(e);
                if (fencing != null) {
                    fence(fencing);
                } else {
                    // Kafka cannot abort from a fatal state; the next begin() starts over with a new producer,
                    // whose initialisation aborts this transaction on the broker.
                    discardProducer();
                }
            }
        }

        private void beginIfNeeded() {
            if (!began) {
                producer.beginTransaction();
                began = true;
            }
        }

        private void ensureActive() {
            if (ended) {
                throw new IllegalStateException("this transaction of writer '" + transactionalId
                        + "' was already committed or aborted");
            }
            if (closed) {
                throw new IllegalStateException("transactional writer '" + transactionalId + "' is closed");
            }
        }

        private List<Long> offsetsOf(List<Future<RecordMetadata>> futures) {
            List<Long> result = new ArrayList<>(futures.size());
            for (Future<RecordMetadata> future : futures) {
                try {
                    result.add(future.get().offset());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a committed transaction has an unacknowledged record", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TributaryException("interrupted while reading the offsets of a committed transaction", e);
                }
            }
            return result;
        }
    }
}
