package dev.tributary.kafka;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.TributaryException;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commit path of {@link Appender}, on kafka-clients' {@link MockProducer}: no broker. */
class AppenderTest {

    private static final Duration COMMIT_RETRY = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int FOREVER = Integer.MAX_VALUE;
    private static final TopicPartition PARTITION = new TopicPartition("orders", 0);
    /** On the same lane as {@link #PARTITION}: partitions two apart have hash codes of the same parity. */
    private static final TopicPartition SAME_LANE = new TopicPartition("orders", 2);
    private static final Instant TIMESTAMP = Instant.parse("2024-05-01T10:15:30.123Z");

    /** The lane number of each factory call, in order. */
    private final List<Integer> created = new CopyOnWriteArrayList<>();
    private final List<FlakyCommitProducer> producers = new CopyOnWriteArrayList<>();
    private final List<Probe> probes = new CopyOnWriteArrayList<>();
    private final List<Map<TopicPartition, Long>> visible = new CopyOnWriteArrayList<>();
    private final CountDownLatch commitStarted = new CountDownLatch(1);
    private Appender appender;

    @AfterEach
    void close() {
        if (appender != null) {
            appender.close();
        }
    }

    @Test
    void a_commit_that_times_out_and_then_succeeds_acknowledges_the_append_with_the_assigned_offsets()
            throws Exception {
        start(committed(List.of()), 2);

        List<Long> offsets = await(appender.append(PARTITION, records("a", "b", "c")));

        assertEquals(List.of(0L, 1L, 2L), offsets);
        FlakyCommitProducer producer = producers.get(0);
        assertEquals(3, producer.commitAttempts.get());
        assertEquals(1, producer.commitCount());
        assertEquals(List.of("a", "b", "c"), keys(producer.history()));
        assertEquals(1, created.size());
        assertEquals(List.of(), probes);
        assertEquals(List.of(Map.of(PARTITION, 2L)), visible);
    }

    @Test
    void a_commit_whose_outcome_stays_unknown_but_whose_first_record_is_committed_completes_the_append()
            throws Exception {
        start(committedAt(0), FOREVER, 0);

        long started = System.nanoTime();
        List<Long> offsets = await(appender.append(PARTITION, records("a", "b")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(List.of(0L, 1L), offsets);
        assertTrue(took.compareTo(COMMIT_RETRY) >= 0, "settled after " + took + ", before the retry window ended");
        assertEquals(2, created.size());
        assertEquals(created.get(0), created.get(1), "the fresh producer is for the same lane, hence transactional id");
        assertTrue(producers.get(0).closed());
        assertFalse(producers.get(1).closed());
        assertEquals(List.of(new Probe(PARTITION, 0)), probes);
        // Settled or not, a caller reads its own write once the append returns.
        assertEquals(List.of(Map.of(PARTITION, 1L)), visible);
    }

    @Test
    void a_commit_whose_outcome_stays_unknown_and_whose_record_is_not_found_fails_saying_none_is_visible() {
        start(committed(List.of()), FOREVER, 0);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(appender.append(PARTITION, records("a", "b"))));

        TimeoutException timeout = producers.get(0).lastTimeout;
        TributaryException failure = assertInstanceOf(TributaryException.class, e.getCause());
        assertEquals("append of 2 record(s) to orders-0 failed, none is visible: " + timeout.getMessage(),
                failure.getMessage());
        assertSame(timeout, failure.getCause());
        assertEquals(List.of(new Probe(PARTITION, 0)), probes);
        assertEquals(2, created.size());
        assertEquals(List.of(), visible);
    }

    @Test
    void a_committed_record_found_past_the_appends_first_offset_means_the_append_was_aborted() {
        start(committedAt(7), FOREVER, 0);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(appender.append(PARTITION, records("a"))));

        TributaryException failure = assertInstanceOf(TributaryException.class, e.getCause());
        assertSame(producers.get(0).lastTimeout, failure.getCause());
        assertEquals(List.of(new Probe(PARTITION, 0)), probes);
        assertEquals(List.of(), visible);
    }

    @Test
    void a_probe_that_throws_fails_the_append_saying_its_outcome_is_unknown_and_could_not_be_checked() {
        IllegalStateException unreadable = new IllegalStateException("the reader is closed");
        start((partition, offset) -> {
            probes.add(new Probe(partition, offset));
            throw unreadable;
        }, FOREVER, 0);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> await(appender.append(PARTITION, records("a"))));

        TimeoutException timeout = producers.get(0).lastTimeout;
        TributaryException failure = assertInstanceOf(TributaryException.class, e.getCause());
        assertEquals("the outcome of an append to orders-0 is unknown: its commit timed out (" + timeout.getMessage()
                + ") and could not be checked (the reader is closed)", failure.getMessage());
        assertSame(unreadable, failure.getCause());
        assertEquals(List.of(new Probe(PARTITION, 0)), probes);
        assertEquals(List.of(), visible);
    }

    @Test
    void appends_queued_behind_an_unknown_outcome_go_through_on_the_fresh_producer() throws Exception {
        start(committed(List.of()), FOREVER, 0);

        CompletableFuture<List<Long>> unknown = appender.append(PARTITION, records("a"));
        assertTrue(commitStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        CompletableFuture<List<Long>> queued = appender.append(SAME_LANE, records("b", "c"));

        ExecutionException failed = assertThrows(ExecutionException.class, () -> await(unknown));
        assertInstanceOf(TributaryException.class, failed.getCause());
        assertEquals(List.of(0L, 1L), await(queued));
        assertEquals(2, created.size(), "one producer for the lane, then one fresh producer that stays");
        assertEquals(created.get(0), created.get(1));
        FlakyCommitProducer fresh = producers.get(1);
        assertEquals(1, fresh.commitCount());
        assertEquals(List.of("b", "c"), keys(fresh.history()));
        assertEquals(List.of(2, 2), fresh.history().stream().map(ProducerRecord::partition).toList());
        assertEquals(List.of(Map.of(SAME_LANE, 1L)), visible);
    }

    @Test
    void a_commit_retry_that_is_not_positive_is_refused_by_value() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Appender(lane -> newProducer(0), committed(List.of()), visible::add, Runnable::run,
                        Duration.ZERO, "test"));

        assertEquals("commitRetry must be positive, got PT0S", e.getMessage());
    }

    /** Starts the appender; the n-th producer created times out its first {@code commitTimeouts[n]} commits. */
    private void start(Appender.CommittedProbe probe, int... commitTimeouts) {
        appender = new Appender(lane -> {
            created.add(lane);
            int n = producers.size();
            return newProducer(n < commitTimeouts.length ? commitTimeouts[n] : 0);
        }, probe, visible::add, Runnable::run, COMMIT_RETRY, "test");
    }

    private FlakyCommitProducer newProducer(int commitTimeouts) {
        FlakyCommitProducer producer = new FlakyCommitProducer(commitTimeouts, commitStarted);
        // As the real factory does: a lane gets its producer ready for transactions.
        producer.initTransactions();
        producers.add(producer);
        return producer;
    }

    private Appender.CommittedProbe committed(List<LogEntry> entries) {
        return (partition, offset) -> {
            probes.add(new Probe(partition, offset));
            return entries;
        };
    }

    /** A probe that finds a committed entry at the given offset of the partition it is asked about. */
    private Appender.CommittedProbe committedAt(long entryOffset) {
        return (partition, offset) -> {
            probes.add(new Probe(partition, offset));
            return List.of(new LogEntry(new StreamPartition(partition.topic(), partition.partition()), entryOffset,
                    "a", bytes("a"), Map.of(), TIMESTAMP));
        };
    }

    private static List<LogRecord> records(String... keys) {
        List<LogRecord> records = new ArrayList<>();
        for (String key : keys) {
            records.add(new LogRecord(key, bytes(key), Map.of(), TIMESTAMP));
        }
        return records;
    }

    private static List<String> keys(List<ProducerRecord<String, byte[]>> records) {
        return records.stream().map(ProducerRecord::key).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Long> await(CompletableFuture<List<Long>> append) throws Exception {
        return append.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private record Probe(TopicPartition partition, long offset) {
    }

    /**
     * A producer whose first commits time out, as a real one's do while the broker is away. Sends complete at
     * once; {@link MockProducer} numbers offsets from 0 per producer.
     */
    private static final class FlakyCommitProducer extends MockProducer<String, byte[]> {

        private final int commitTimeouts;
        private final AtomicInteger commitAttempts = new AtomicInteger();
        private final CountDownLatch commitStarted;
        private volatile TimeoutException lastTimeout;

        FlakyCommitProducer(int commitTimeouts, CountDownLatch commitStarted) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.commitTimeouts = commitTimeouts;
            this.commitStarted = commitStarted;
        }

        @Override
        public void commitTransaction() {
            commitStarted.countDown();
            int attempt = commitAttempts.incrementAndGet();
            if (attempt <= commitTimeouts) {
                // A real producer blocks for max.block.ms before giving up; this keeps the lane from spinning.
                sleep(Duration.ofMillis(10));
                lastTimeout = new TimeoutException("Timeout expired after 10ms while awaiting EndTxn(true), attempt "
                        + attempt);
                throw lastTimeout;
            }
            super.commitTransaction();
        }

        private static void sleep(Duration duration) {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
