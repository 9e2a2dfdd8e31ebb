package dev.tributary.bench;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.memory.InMemoryEventLog;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.RebalanceListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Microbenchmarks of {@link InMemoryEventLog}, each scored in records per second (JMH's ops/s, one op per record):
 *
 * <ul>
 *   <li>{@code appendOne}: one single-record {@code append} per call, round-robin over 8 partitions;</li>
 *   <li>{@code appendBatch}: one {@value #BATCH}-record {@code append} per call;</li>
 *   <li>{@code drainThroughGroup}: a new consumer-group member joins and polls {@value #RECORDS} records that are
 *       already in the log, from its first poll to the last record;</li>
 *   <li>{@code appendWhileConsuming}: one thread appends {@value #RECORDS} records in batches of {@value #BATCH}
 *       while a group member polls them, from the first append to the last record polled.</li>
 * </ul>
 *
 * Records carry a 100-byte value, an 11-character key and no headers. The appending benchmarks start a new log
 * whenever theirs holds {@value #LOG_LIMIT} records, so they measure a log of up to that size.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
// A fixed, pre-touched heap: otherwise the first touch of each page and the heap's resizing land in the figures.
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class InMemoryEventLogBenchmark {

    static final String STREAM = "bench";
    static final int PARTITIONS = 8;
    static final int BATCH = 100;
    static final int RECORDS = 100_000;
    static final int LOG_LIMIT = 1_000_000;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    /** A log that already holds {@value #RECORDS} records for every drain to read; each drain is a new group. */
    @State(Scope.Benchmark)
    public static class Filled {
        InMemoryEventLog log;
        int groups;

        @Setup(Level.Trial)
        public void fill() {
            log = newLog();
            append(log, RECORDS);
        }

        @TearDown(Level.Trial)
        public void close() {
            log.close();
        }
    }

    /**
     * The log appended to and the records to append, built once. The log is replaced whenever it holds
     * {@value #LOG_LIMIT} records: appending costs more as the log grows (every record stays reachable, so the
     * collector copies it into the old generation), and a bound keeps that cost the same whatever the iteration's
     * length or the machine's speed.
     */
    @State(Scope.Thread)
    public static class Appending {
        InMemoryEventLog log;
        StreamPartition[] partitions;
        List<LogRecord> one;
        List<LogRecord> batch;
        int next;
        long held;

        @Setup(Level.Trial)
        public void records() {
            partitions = partitions();
            one = List.of(record(0));
            List<LogRecord> records = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                records.add(record(i));
            }
            batch = List.copyOf(records);
            log = newLog();
        }

        @TearDown(Level.Trial)
        public void closeLog() {
            log.close();
        }

        InMemoryEventLog logFor(int records) {
            held += records;
            if (held > LOG_LIMIT) {
                log.close();
                log = newLog();
                held = records;
            }
            return log;
        }

        StreamPartition nextPartition() {
            // PARTITIONS is a power of two: the mask is the remainder, and stays in range when next overflows.
            return partitions[next++ & (PARTITIONS - 1)];
        }
    }

    @Benchmark
    public CompletableFuture<List<Long>> appendOne(Appending state) {
        return state.logFor(1).append(state.nextPartition(), state.one);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public CompletableFuture<List<Long>> appendBatch(Appending state) {
        return state.logFor(BATCH).append(state.nextPartition(), state.batch);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long drainThroughGroup(Filled state) {
        try (GroupMember member = state.log.joinGroup("drain-" + state.groups++, Set.of(STREAM), RebalanceListener.NONE)) {
            return pollAll(member);
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long appendWhileConsuming() throws InterruptedException {
        try (InMemoryEventLog log = newLog();
             GroupMember member = log.joinGroup("pipe", Set.of(STREAM), RebalanceListener.NONE)) {
            // The first poll joins the group, so the member owns every partition before the appender starts.
            member.poll(Duration.ZERO);
            Thread appender = new Thread(() -> append(log, RECORDS), "bench-appender");
            appender.start();
            long polled = pollAll(member);
            appender.join();
            return polled;
        }
    }

    private static long pollAll(GroupMember member) {
        long polled = 0;
        while (polled < RECORDS) {
            polled += member.poll(POLL_TIMEOUT).size();
        }
        return polled;
    }

    static InMemoryEventLog newLog() {
        InMemoryEventLog log = InMemoryEventLog.create();
        log.createStream(StreamSpec.of(STREAM, PARTITIONS));
        return log;
    }

    /** Appends {@code count} records in batches of {@value #BATCH}, round-robin over the partitions. */
    static void append(InMemoryEventLog log, int count) {
        StreamPartition[] partitions = partitions();
        List<LogRecord> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < count; i++) {
            batch.add(record(i));
            if (batch.size() == BATCH || i == count - 1) {
                log.append(partitions[(i / BATCH) % PARTITIONS], batch).join();
                batch.clear();
            }
        }
    }

    static StreamPartition[] partitions() {
        StreamPartition[] partitions = new StreamPartition[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            partitions[p] = new StreamPartition(STREAM, p);
        }
        return partitions;
    }

    static LogRecord record(int index) {
        byte[] value = new byte[100];
        ThreadLocalRandom.current().nextBytes(value);
        return new LogRecord("key-" + (1_000_000 + index), value, Map.of(), Instant.now());
    }
}
