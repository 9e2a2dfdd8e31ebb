package dev.tributary.kafka;

import dev.tributary.api.TributaryException;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Makes {@link dev.tributary.spi.EventLog#append} atomic with Kafka transactions, on a few lanes. Each lane owns
 * one transactional producer and one thread, and every partition always goes to the same lane, so appends to a
 * partition commit in call order. A lane puts every append that queued up while it was committing into its next
 * transaction (group commit): under load, one round trip serves many appends.
 */
final class Appender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Appender.class);
    private static final int LANES = 2;
    private static final int MAX_RECORDS_PER_TRANSACTION = 5_000;
    /** By default, how long a lane keeps retrying a commit whose outcome it does not know yet (the broker is away). */
    static final Duration DEFAULT_COMMIT_RETRY = Duration.ofMinutes(2);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Lane[] lanes;

    /**
     * @param producers   creates a lane's producer, initialised for transactions, from the lane's number
     * @param committed   reads the first committed entry at or after an offset: settles unknown commit outcomes
     * @param visible     waits until readers see records up to the given offsets (Kafka writes the commit
     *                    markers after the commit returns)
     * @param completions where callers' futures complete, so that their continuations never hold up a lane
     * @param commitRetry how long a timed-out commit is retried before its outcome is settled by reading back
     */
    Appender(Function<Integer, Producer<String, byte[]>> producers, CommittedProbe committed,
             Consumer<Map<TopicPartition, Long>> visible, Executor completions, Duration commitRetry,
             String threadPrefix) {
        if (commitRetry.isNegative() || commitRetry.isZero()) {
            throw new IllegalArgumentException("commitRetry must be positive, got " + commitRetry);
        }
        lanes = new Lane[LANES];
        for (int i = 0; i < LANES; i++) {
            lanes[i] = new Lane(i, producers, committed, visible, completions, commitRetry,
                    threadPrefix + "-append-" + i);
        }
    }

    CompletableFuture<List<Long>> append(TopicPartition partition, List<LogRecord> records) {
        CompletableFuture<List<Long>> result = new CompletableFuture<>();
        lanes[Math.floorMod(partition.hashCode(), lanes.length)].submit(new Pending(partition, records, result));
        return result;
    }

    /** Finishes what is queued, then stops the lanes and their producers. */
    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.stop();
        }
        for (Lane lane : lanes) {
            lane.await();
        }
    }

    /** The first committed entry at or after an offset, if one shows up in time. */
    @FunctionalInterface
    interface CommittedProbe {
        List<LogEntry> firstAtOrAfter(TopicPartition partition, long offset);
    }

    private record Pending(TopicPartition partition, List<LogRecord> records, CompletableFuture<List<Long>> result) {
    }

    /** A batch's commit failed in a way that cannot tell whether it was applied. */
    private static final class OutcomeUnknownException extends Exception {
        OutcomeUnknownException(Throwable cause) {
            super(cause);
        }
    }

    private static final class Lane implements Runnable {

        private static final Pending STOP = new Pending(null, List.of(), null);

        private final int number;
        private final Function<Integer, Producer<String, byte[]>> producers;
        private final CommittedProbe committed;
        private final Consumer<Map<TopicPartition, Long>> visible;
        private final Executor completions;
        private final Duration commitRetry;
        private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private final Thread thread;
        private Producer<String, byte[]> producer;
        private volatile boolean stopping;

        Lane(int number, Function<Integer, Producer<String, byte[]>> producers, CommittedProbe committed,
             Consumer<Map<TopicPartition, Long>> visible, Executor completions, Duration commitRetry,
             String threadName) {
            this.number = number;
            this.producers = producers;
            this.committed = committed;
            this.visible = visible;
            this.completions = completions;
            this.commitRetry = commitRetry;
            this.thread = new Thread(this, threadName);
            thread.setDaemon(true);
            thread.start();
        }

        void submit(Pending pending) {
            if (stopping) {
                pending.result.completeExceptionally(new IllegalStateException("the Kafka event log is closed"));
                return;
            }
            queue.add(pending);
        }

        void stop() {
            stopping = true;
            queue.add(STOP);
        }

        void await() {
            try {
                thread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                thread.interrupt();
            }
        }

        @Override
        public void run() {
            try {
                List<Pending> batch = new ArrayList<>();
                while (true) {
                    Pending first = queue.take();
                    if (first == STOP) {
                        break;
                    }
                    batch.add(first);
                    int records = first.records.size();
                    Pending next;
                    while (records < MAX_RECORDS_PER_TRANSACTION && (next = queue.peek()) != null && next != STOP
                            && records + next.records.size() <= MAX_RECORDS_PER_TRANSACTION) {
                        batch.add(queue.poll());
                        records += next.records.size();
                    }
                    commitBatch(batch);
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeProducer(Duration.ofSeconds(5));
                Pending left;
                while ((left = queue.poll()) != null) {
                    if (left != STOP) {
                        fail(left, new IllegalStateException("the Kafka event log was closed before this append ran"));
                    }
                }
            }
        }

        private void commitBatch(List<Pending> batch) {
            List<List<Future<RecordMetadata>>> sends = new ArrayList<>(batch.size());
            try {
                transact(batch, sends);
                List<List<Long>> offsets = new ArrayList<>(batch.size());
                for (List<Future<RecordMetadata>> futures : sends) {
                    offsets.add(acknowledged(futures));
                }
                visible.accept(lastOffsets(batch, offsets));
                for (int i = 0; i < batch.size(); i++) {
                    succeed(batch.get(i), offsets.get(i));
                }
            } catch (BadRecordException e) {
                if (batch.size() == 1) {
                    fail(batch.get(0), e.getCause());
                } else {
                    // A record the broker refuses must fail its own append only: retry each one alone.
                    for (Pending pending : batch) {
                        commitBatch(List.of(pending));
                    }
                }
            } catch (OutcomeUnknownException e) {
                settle(batch, sends, e.getCause());
            } catch (RuntimeException e) {
                for (Pending pending : batch) {
                    fail(pending, e);
                }
            }
        }

        /** One transaction for the whole batch; fills in the send futures per append. */
        private void transact(List<Pending> batch, List<List<Future<RecordMetadata>>> sends)
                throws BadRecordException, OutcomeUnknownException {
            Producer<String, byte[]> p = producer();
            try {
                p.beginTransaction();
                for (Pending pending : batch) {
                    List<Future<RecordMetadata>> futures = new ArrayList<>(pending.records.size());
                    for (LogRecord record : pending.records) {
                        futures.add(p.send(KafkaRecords.toProducerRecord(pending.partition, record)));
                    }
                    sends.add(futures);
                }
            } catch (KafkaException e) {
                abortOrDiscard(e);
                throw e;
            }
            commit(p, sends);
        }

        private void commit(Producer<String, byte[]> p, List<List<Future<RecordMetadata>>> sends)
                throws BadRecordException, OutcomeUnknownException {
            long deadline = System.nanoTime() + commitRetry.toNanos();
            while (true) {
                try {
                    p.commitTransaction();
                    return;
                } catch (TimeoutException e) {
                    // Kafka allows retrying a timed-out commit; the broker may just be restarting.
                    if (System.nanoTime() - deadline >= 0 || stopping) {
                        discardProducer();
                        throw new OutcomeUnknownException(e);
                    }
                    LOG.warn("commit of an append transaction timed out; retrying: {}", e.getMessage());
                } catch (KafkaException e) {
                    Throwable recordFailure = recordFailure(sends);
                    abortOrDiscard(e);
                    if (recordFailure != null) {
                        throw new BadRecordException(recordFailure);
                    }
                    throw e;
                }
            }
        }

        /**
         * After a commit whose outcome is unknown, a fresh producer with the lane's transactional id settles it
         * (initialising transactions completes or aborts the previous one); reading the first record back tells
         * which. If a record was never acknowledged, the commit was never sent, so the transaction was aborted.
         */
        private void settle(List<Pending> batch, List<List<Future<RecordMetadata>>> sends, Throwable cause) {
            try {
                producer();
                List<List<Long>> offsets = new ArrayList<>(sends.size());
                for (List<Future<RecordMetadata>> futures : sends) {
                    offsets.add(acknowledgedOrNull(futures));
                }
                boolean applied = sends.size() == batch.size() && !offsets.contains(null)
                        && committed.firstAtOrAfter(batch.get(0).partition, offsets.get(0).get(0)).stream()
                        .anyMatch(entry -> entry.offset() == offsets.get(0).get(0));
                if (applied) {
                    // As after a plain commit, callers read their own writes: the probe saw the first partition only.
                    visible.accept(lastOffsets(batch, offsets));
                }
                for (int i = 0; i < batch.size(); i++) {
                    if (applied) {
                        succeed(batch.get(i), offsets.get(i));
                    } else {
                        fail(batch.get(i), cause);
                    }
                }
            } catch (RuntimeException e) {
                for (Pending pending : batch) {
                    fail(pending, new TributaryException("the outcome of an append to " + pending.partition
                            + " is unknown: its commit timed out (" + cause.getMessage()
                            + ") and could not be checked (" + e.getMessage() + ")", e));
                }
            }
        }

        private Producer<String, byte[]> producer() {
            if (producer == null) {
                producer = producers.apply(number);
            }
            return producer;
        }

        private void abortOrDiscard(KafkaException cause) {
            if (isFatal(cause)) {
                discardProducer();
                return;
            }
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                discardProducer();
            }
        }

        private void discardProducer() {
            closeProducer(Duration.ZERO);
        }

        private void closeProducer(Duration timeout) {
            if (producer != null) {
                try {
                    producer.close(timeout);
                } catch (KafkaException e) {
                    LOG.debug("closing an append producer failed", e);
                }
                producer = null;
            }
        }

        private void succeed(Pending pending, List<Long> offsets) {
            completions.execute(() -> pending.result.complete(offsets));
        }

        private void fail(Pending pending, Throwable cause) {
            Throwable error = cause instanceof RuntimeException && !(cause instanceof KafkaException) ? cause
                    : new TributaryException("append of " + pending.records.size() + " record(s) to "
                    + pending.partition + " failed, none is visible: " + cause.getMessage(), cause);
            completions.execute(() -> pending.result.completeExceptionally(error));
        }

        /** The last offset the batch appended to each of its partitions. */
        private static Map<TopicPartition, Long> lastOffsets(List<Pending> batch, List<List<Long>> offsets) {
            Map<TopicPartition, Long> last = new HashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                List<Long> appended = offsets.get(i);
                last.merge(batch.get(i).partition, appended.get(appended.size() - 1), Math::max);
            }
            return last;
        }

        /** The offsets of a committed append: every send of a committed transaction is acknowledged. */
        private static List<Long> acknowledged(List<Future<RecordMetadata>> sends) {
            List<Long> offsets = acknowledgedOrNull(sends);
            if (offsets == null) {
                throw new IllegalStateException("a committed append has an unacknowledged record");
            }
            return offsets;
        }

        private static List<Long> acknowledgedOrNull(List<Future<RecordMetadata>> sends) {
            List<Long> offsets = new ArrayList<>(sends.size());
            for (Future<RecordMetadata> send : sends) {
                if (!send.isDone()) {
                    return null;
                }
                try {
                    offsets.add(send.get().offset());
                } catch (ExecutionException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return offsets;
        }

        private static Throwable recordFailure(List<List<Future<RecordMetadata>>> sends) {
            for (List<Future<RecordMetadata>> futures : sends) {
                for (Future<RecordMetadata> send : futures) {
                    if (send.isDone()) {
                        try {
                            send.get();
                        } catch (ExecutionException e) {
                            if (!(e.getCause() instanceof RetriableException) && !isFatal(e.getCause())) {
                                return e.getCause();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return null;
                        }
                    }
                }
            }
            return null;
        }

        private static boolean isFatal(Throwable e) {
            return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                    || e instanceof OutOfOrderSequenceException || e instanceof AuthorizationException
                    || e instanceof AuthenticationException || e instanceof UnsupportedVersionException;
        }
    }

    /** A record of the batch was refused by the broker (too large, invalid): the batch is retried append by append. */
    private static final class BadRecordException extends Exception {
        BadRecordException(Throwable cause) {
            super(cause);
        }
    }
}
