package dev.tributary.kafka;

import dev.tributary.spi.LogEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads committed records through a pool of assign-mode consumers: a Kafka consumer is single-threaded, the log
 * is not, so each read borrows one for its duration. Idle consumers are kept up to {@link #MAX_IDLE}.
 *
 * <p>A consumer sends its next fetch before the caller asks for it, and a fetch with nothing to return waits on
 * the broker; until it returns, that consumer can fetch nothing else from that broker. So a read prefers the idle
 * consumer that last read its partition (a scan resuming from {@code nextOffset} finds its fetch already under way),
 * and readers wait on the broker only briefly (see {@link KafkaOptions#readerConfig}).
 */
final class Readers implements AutoCloseable {

    private static final int MAX_IDLE = 8;
    /** How long a read keeps waiting for entries that are known to be committed, whatever the caller's timeout. */
    private static final Duration COMMITTED_DATA_WAIT = Duration.ofSeconds(30);
    private static final Duration POLL_SLICE = Duration.ofMillis(100);

    private final Supplier<KafkaConsumer<String, byte[]>> factory;
    /** Most recently used first. */
    private final Deque<KafkaConsumer<String, byte[]>> idle = new ArrayDeque<>();
    private boolean closed;

    Readers(Supplier<KafkaConsumer<String, byte[]>> factory) {
        this.factory = factory;
    }

    /**
     * Committed entries at or after {@code fromOffset}, at most {@code max}. Waits up to {@code timeout} for the
     * first one; if committed entries exist at the time of the call, it waits for them even past the timeout.
     */
    List<LogEntry> read(TopicPartition partition, long fromOffset, int max, Duration timeout) {
        KafkaConsumer<String, byte[]> consumer = borrow(partition);
        boolean healthy = false;
        try {
            List<LogEntry> entries = read(consumer, partition, fromOffset, max, timeout);
            healthy = true;
            return entries;
        } finally {
            release(consumer, healthy);
        }
    }

    private static List<LogEntry> read(KafkaConsumer<String, byte[]> consumer, TopicPartition partition,
                                       long fromOffset, int max, Duration timeout) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, fromOffset);
        List<LogEntry> entries = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Long committedEnd = null;
        while (true) {
            long now = System.nanoTime();
            long wait = deadline - now;
            if (wait <= 0) {
                // Entries committed when the read began are returned even with a zero timeout: the timeout is how
                // long to wait for new ones. Aborted records below the end only advance the position.
                if (committedEnd == null) {
                    committedEnd = consumer.endOffsets(List.of(partition)).get(partition);
                }
                boolean committedAhead = consumer.position(partition) < committedEnd;
                if (!committedAhead || now - (deadline + COMMITTED_DATA_WAIT.toNanos()) >= 0) {
                    return entries;
                }
                wait = POLL_SLICE.toNanos();
            }
            if (collect(consumer, partition, fromOffset, max, entries, Duration.ofNanos(wait)) && !entries.isEmpty()) {
                // Take the rest of what was fetched without another round trip.
                while (entries.size() < max && collect(consumer, partition, fromOffset, max, entries, Duration.ZERO)) {
                    // drains the fetched batch
                }
                return entries;
            }
        }
    }

    /** Polls once; returns whether the poll returned records. */
    private static boolean collect(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long fromOffset,
                                   int max, List<LogEntry> entries, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records;
        try {
            records = consumer.poll(timeout).records(partition);
        } catch (OffsetOutOfRangeException e) {
            reposition(consumer, partition, fromOffset);
            return false;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.offset() >= fromOffset && entries.size() < max) {
                entries.add(KafkaRecords.toLogEntry(record));
            }
        }
        return !records.isEmpty();
    }

    /**
     * An offset below the beginning reads from the beginning; one past the end waits at the end, skipping what is
     * below the requested offset when it arrives.
     */
    private static void reposition(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long fromOffset) {
        long beginning = consumer.beginningOffsets(List.of(partition)).get(partition);
        if (fromOffset < beginning) {
            consumer.seek(partition, beginning);
        } else {
            consumer.seek(partition, consumer.endOffsets(List.of(partition)).get(partition));
        }
    }

    private KafkaConsumer<String, byte[]> borrow(TopicPartition partition) {
        synchronized (idle) {
            if (closed) {
                throw new IllegalStateException("the Kafka event log is closed");
            }
            for (Iterator<KafkaConsumer<String, byte[]>> it = idle.iterator(); it.hasNext(); ) {
                KafkaConsumer<String, byte[]> consumer = it.next();
                if (consumer.assignment().contains(partition)) {
                    it.remove();
                    return consumer;
                }
            }
            KafkaConsumer<String, byte[]> recent = idle.pollFirst();
            if (recent != null) {
                return recent;
            }
        }
        return factory.get();
    }

    private void release(KafkaConsumer<String, byte[]> consumer, boolean healthy) {
        KafkaConsumer<String, byte[]> evicted = consumer;
        // A consumer that failed mid-read may hold a half-finished request; a fresh one is cheaper than doubt.
        if (healthy) {
            synchronized (idle) {
                if (!closed) {
                    idle.addFirst(consumer);
                    evicted = idle.size() > MAX_IDLE ? idle.pollLast() : null;
                }
            }
        }
        if (evicted != null) {
            evicted.close(Duration.ZERO);
        }
    }

    @Override
    public void close() {
        List<KafkaConsumer<String, byte[]>> left;
        synchronized (idle) {
            closed = true;
            left = new ArrayList<>(idle);
            idle.clear();
        }
        left.forEach(consumer -> consumer.close(Duration.ZERO));
    }
}
