package dev.tributary.conformance.command;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogCapabilities;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.RebalanceListener;
import dev.tributary.spi.TransactionalWriter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend's log with one fault a test can switch on: the next transaction commits fail, as they would while the
 * log is unreachable, and nothing of them is applied. It also records how its transactions are used: every
 * {@link #read} issued while one of its transactions holds appended records (on Kafka such a transaction runs
 * against the broker's transaction timeout), and how long each transaction stayed open from its first append.
 * Everything else goes straight to the backend.
 */
final class FaultyEventLog implements EventLog {

    private final EventLog log;
    private final AtomicInteger failingCommits = new AtomicInteger();
    /** Transactions that appended and did not end yet, with the time of their first append. */
    private final Map<LogTransaction, Long> openSince = new ConcurrentHashMap<>();
    private final List<String> readsInOpenTransactions = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicLong> entriesRead = new ConcurrentHashMap<>();
    private final List<Duration> transactionsOpenFor = Collections.synchronizedList(new ArrayList<>());

    FaultyEventLog(EventLog log) {
        this.log = log;
    }

    /** Makes the next {@code count} transaction commits fail with {@link LogUnavailableException}. */
    void failNextCommits(int count) {
        failingCommits.set(count);
    }

    /**
     * Every read issued while a transaction of this log's writers had appended records and not yet ended, as
     * {@code partition@offset by thread}. A read by any thread counts, so a test that wants to blame one writer uses
     * a stream with one partition, which has one writer.
     */
    List<String> readsInOpenTransactions() {
        synchronized (readsInOpenTransactions) {
            return List.copyOf(readsInOpenTransactions);
        }
    }

    /** How long each ended transaction that appended records stayed open, from its first append to its end. */
    List<Duration> transactionsOpenFor() {
        synchronized (transactionsOpenFor) {
            return List.copyOf(transactionsOpenFor);
        }
    }

    static final class LogUnavailableException extends RuntimeException {

        LogUnavailableException() {
            super("injected: the log is unavailable");
        }
    }

    @Override
    public TransactionalWriter transactionalWriter(String transactionalId) {
        TransactionalWriter writer = log.transactionalWriter(transactionalId);
        return new TransactionalWriter() {
            @Override
            public String transactionalId() {
                return writer.transactionalId();
            }

            @Override
            public LogTransaction begin() {
                LogTransaction transaction = writer.begin();
                return new LogTransaction() {
                    @Override
                    public void append(StreamPartition partition, List<LogRecord> records) {
                        transaction.append(partition, records);
                        if (!records.isEmpty()) {
                            openSince.putIfAbsent(this, System.nanoTime());
                        }
                    }

                    @Override
                    public void commitOffsets(Map<StreamPartition, Long> offsets, GroupMetadata metadata) {
                        transaction.commitOffsets(offsets, metadata);
                    }

                    @Override
                    public Map<StreamPartition, List<Long>> commit() {
                        try {
                            if (failingCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                transaction.abort();
                                throw new LogUnavailableException();
                            }
                            return transaction.commit();
                        } finally {
                            ended(this);
                        }
                    }

                    @Override
                    public void abort() {
                        try {
                            transaction.abort();
                        } finally {
                            ended(this);
                        }
                    }
                };
            }

            @Override
            public void close() {
                writer.close();
            }
        };
    }

    private void ended(LogTransaction transaction) {
        Long since = openSince.remove(transaction);
        if (since != null) {
            transactionsOpenFor.add(Duration.ofNanos(System.nanoTime() - since));
        }
    }

    @Override
    public void createStream(StreamSpec spec) {
        log.createStream(spec);
    }

    @Override
    public Optional<StreamSpec> findStream(String stream) {
        return log.findStream(stream);
    }

    @Override
    public CompletableFuture<List<Long>> append(StreamPartition partition, List<LogRecord> records) {
        return log.append(partition, records);
    }

    @Override
    public List<LogEntry> read(StreamPartition partition, long fromOffset, int maxEntries, Duration timeout) {
        if (!openSince.isEmpty()) {
            readsInOpenTransactions.add(partition + "@" + fromOffset + " by " + Thread.currentThread().getName());
        }
        List<LogEntry> entries = log.read(partition, fromOffset, maxEntries, timeout);
        entriesRead.computeIfAbsent(partition.stream(), s -> new AtomicLong()).addAndGet(entries.size());
        return entries;
    }

    /** How many entries reads of the stream returned, in all. */
    long entriesRead(String stream) {
        AtomicLong count = entriesRead.get(stream);
        return count == null ? 0 : count.get();
    }

    @Override
    public long beginningOffset(StreamPartition partition) {
        return log.beginningOffset(partition);
    }

    @Override
    public long endOffset(StreamPartition partition) {
        return log.endOffset(partition);
    }

    @Override
    public OptionalLong offsetForTimestamp(StreamPartition partition, Instant timestamp) {
        return log.offsetForTimestamp(partition, timestamp);
    }

    @Override
    public GroupMember joinGroup(String group, Set<String> streams, RebalanceListener listener) {
        return log.joinGroup(group, streams, listener);
    }

    @Override
    public Map<StreamPartition, Long> committedOffsets(String group, Set<StreamPartition> partitions) {
        return log.committedOffsets(group, partitions);
    }

    @Override
    public void resetCommittedOffsets(String group, Map<StreamPartition, Long> offsets) {
        log.resetCommittedOffsets(group, offsets);
    }

    @Override
    public GroupDescription describeGroup(String group) {
        return log.describeGroup(group);
    }

    @Override
    public LogCapabilities capabilities() {
        return log.capabilities();
    }

    @Override
    public void close() {
        log.close();
    }
}
