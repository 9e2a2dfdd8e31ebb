package dev.tributary.conformance.log;

import dev.tributary.api.PartitionOutOfRangeException;
import dev.tributary.api.StreamConflictException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.KeyPartitioner;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.RebalanceListener;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link EventLog} contract for streams, appends and reads: what every backend must do, checked against a fresh
 * log per test. A backend runs it by extending this class and returning its fixture from {@link #fixture()}.
 */
public abstract class EventLogConformance extends LogConformanceSupport {

    // ---- capabilities and streams ------------------------------------------------------------------------------

    @Test
    void the_log_reports_the_capabilities_its_fixture_declares() {
        assertEquals(backend.declaredCapabilities(), log.capabilities());
    }

    @Test
    void creating_a_stream_again_with_the_same_partition_count_changes_nothing() {
        StreamSpec spec = newStream("orders", 3);
        List<Long> offsets = append(spec.partition(1), "kept");

        log.createStream(StreamSpec.of(spec.name(), 3));

        assertEquals(Optional.of(spec), log.findStream(spec.name()));
        assertEquals(spec, log.stream(spec.name()));
        List<LogEntry> entries = readCount(spec.partition(1), 0, 1);
        assertEquals(List.of("kept"), texts(entries));
        assertEquals(offsets, offsetsOf(entries));
    }

    @Test
    void creating_an_existing_stream_with_another_partition_count_fails_naming_both_counts() {
        StreamSpec spec = newStream("orders", 2);

        StreamConflictException conflict = assertThrows(StreamConflictException.class,
                () -> log.createStream(StreamSpec.of(spec.name(), 7)));

        assertNames(conflict, spec.name());
        String rest = conflict.getMessage().replace(spec.name(), "");
        assertTrue(rest.contains("2") && rest.contains("7"),
                "the message should name the existing (2) and the declared (7) partition counts: " + conflict.getMessage());
        assertEquals(spec, log.stream(spec.name()));
        assertThrows(PartitionOutOfRangeException.class, () -> log.endOffset(StreamPartition.of(spec.name(), 2)));
    }

    @Test
    void a_missing_stream_is_found_by_no_lookup() {
        String name = backend.unique("missing");

        assertEquals(Optional.empty(), log.findStream(name));
        UnknownStreamException unknown = assertThrows(UnknownStreamException.class, () -> log.stream(name));
        assertNames(unknown, name);
    }

    @Test
    void every_operation_on_an_unknown_stream_fails_naming_it_and_creates_nothing() {
        String name = backend.unique("missing");
        StreamPartition partition = StreamPartition.of(name, 0);
        String group = newGroup("group");
        Map<String, Callable<?>> operations = new LinkedHashMap<>();
        operations.put("partitionFor", () -> log.partitionFor(name, "key"));
        operations.put("append", () -> log.append(partition, records("lost")));
        operations.put("read", () -> log.read(partition, 0, 10, Duration.ZERO));
        operations.put("beginningOffset", () -> log.beginningOffset(partition));
        operations.put("endOffset", () -> log.endOffset(partition));
        operations.put("offsetForTimestamp", () -> log.offsetForTimestamp(partition, Instant.EPOCH));
        operations.put("committedOffsets", () -> log.committedOffsets(group, Set.of(partition)));
        operations.put("resetCommittedOffsets", () -> {
            log.resetCommittedOffsets(group, Map.of(partition, 0L));
            return "reset";
        });
        operations.put("joinGroup", () -> log.joinGroup(group, Set.of(name), RebalanceListener.NONE));

        operations.forEach((operation, call) -> {
            Throwable failure = failureOf(call);
            assertInstanceOf(UnknownStreamException.class, failure, operation + " on an unknown stream");
            assertNames(failure, name);
        });

        assertEquals(Optional.empty(), log.findStream(name), "a failed operation must not create the stream");
        assertEquals(new GroupDescription(group, 0, Map.of()), log.describeGroup(group),
                "a refused joinGroup must leave no trace of the group");
    }

    @Test
    void every_operation_on_a_partition_out_of_range_fails_naming_it_and_changes_nothing() {
        StreamSpec spec = newStream("orders", 3);
        String group = newGroup("group");
        for (int bad : new int[] {3, 4711}) {
            StreamPartition partition = StreamPartition.of(spec.name(), bad);
            Map<String, Callable<?>> operations = new LinkedHashMap<>();
            operations.put("append", () -> log.append(partition, records("lost")));
            operations.put("read", () -> log.read(partition, 0, 10, Duration.ZERO));
            operations.put("beginningOffset", () -> log.beginningOffset(partition));
            operations.put("endOffset", () -> log.endOffset(partition));
            operations.put("offsetForTimestamp", () -> log.offsetForTimestamp(partition, Instant.EPOCH));
            operations.put("committedOffsets", () -> log.committedOffsets(group, Set.of(partition)));
            operations.put("resetCommittedOffsets", () -> {
                log.resetCommittedOffsets(group, Map.of(spec.partition(0), 0L, partition, 0L));
                return "reset";
            });

            operations.forEach((operation, call) -> {
                Throwable failure = failureOf(call);
                assertInstanceOf(PartitionOutOfRangeException.class, failure,
                        operation + " on partition " + bad + " of a 3-partition stream");
                assertNames(failure, spec.name());
                assertTrue(failure.getMessage().replace(spec.name(), "").contains(String.valueOf(bad)),
                        operation + ": the message should name partition " + bad + ": " + failure.getMessage());
            });
        }

        assertEquals(spec, log.stream(spec.name()));
        for (StreamPartition partition : partitionsOf(spec)) {
            assertEquals(0, log.endOffset(partition), "nothing may have been appended to " + partition);
        }
        assertEquals(Map.of(), log.committedOffsets(group, partitionsOf(spec)),
                "a refused reset must not store the offsets of the valid partitions either");
    }

    // ---- keys and partitions -----------------------------------------------------------------------------------

    @Test
    void partitionFor_places_every_key_where_the_key_partitioner_does() {
        StreamSpec six = newStream("orders", 6);
        StreamSpec one = newStream("single", 1);
        List<String> keys = new ArrayList<>(List.of("", "a", "Zürich", "日本語", "\uD83D\uDE00", "order:42"));
        for (int i = 0; i < 100; i++) {
            keys.add("aggregate-" + i);
        }

        for (String key : keys) {
            assertEquals(StreamPartition.of(six.name(), KeyPartitioner.partitionFor(key, 6)),
                    log.partitionFor(six.name(), key), "key '" + key + "'");
            assertEquals(one.partition(0), log.partitionFor(one.name(), key), "key '" + key + "'");
        }
    }

    @Test
    void entries_of_each_key_stay_in_order_on_the_partition_of_that_key() {
        StreamSpec spec = newStream("orders", 4);
        int keys = 16;
        int eventsPerKey = 4;
        Map<StreamPartition, List<String>> expected = new TreeMap<>();
        List<CompletableFuture<List<Long>>> appends = new ArrayList<>();
        for (int seq = 0; seq < eventsPerKey; seq++) {
            for (int k = 0; k < keys; k++) {
                String key = "order-" + k;
                StreamPartition partition = log.partitionFor(spec.name(), key);
                expected.computeIfAbsent(partition, p -> new ArrayList<>()).add(key + "#" + seq);
                // Not waiting between appends: one thread's appends to a partition keep their call order.
                appends.add(log.append(partition, List.of(record(key, key + "#" + seq))));
            }
        }
        appends.forEach(this::await);

        assertTrue(expected.size() > 1, "16 keys should spread over more than one of 4 partitions: " + expected);
        for (Map.Entry<StreamPartition, List<String>> e : expected.entrySet()) {
            List<LogEntry> entries = readCount(e.getKey(), 0, e.getValue().size());
            assertEquals(e.getValue(), texts(entries), "entries of " + e.getKey() + " in call order");
            for (LogEntry entry : entries) {
                assertEquals(KeyPartitioner.partitionFor(entry.key(), 4), entry.partition().partition(),
                        "key " + entry.key());
            }
            assertNothingVisible(e.getKey(), entries.get(entries.size() - 1).nextOffset());
        }
    }

    @Test
    void concurrent_appenders_to_one_partition_each_keep_their_own_order() throws Exception {
        StreamPartition partition = newStream("orders", 1).partition(0);
        int writers = 3;
        int perWriter = 15;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<List<CompletableFuture<List<Long>>>>> runs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String writer = "w" + w;
                runs.add(pool.submit(() -> {
                    start.await();
                    List<CompletableFuture<List<Long>>> appends = new ArrayList<>();
                    for (int i = 0; i < perWriter; i++) {
                        appends.add(log.append(partition, List.of(record(writer, writer + "-" + i))));
                    }
                    return appends;
                }));
            }
            for (Future<List<CompletableFuture<List<Long>>>> run : runs) {
                await(run).forEach(this::await);
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> all = texts(readCount(partition, 0, writers * perWriter));
        for (int w = 0; w < writers; w++) {
            String prefix = "w" + w + "-";
            List<String> ofWriter = all.stream().filter(v -> v.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perWriter; i++) {
                expected.add(prefix + i);
            }
            assertEquals(expected, ofWriter, "writer w" + w + "'s entries, in its call order, among " + all);
        }
    }

    // ---- appending ---------------------------------------------------------------------------------------------

    @Test
    void an_appended_record_reads_back_with_its_key_value_headers_and_timestamp() {
        StreamPartition partition = newStream("orders", 2).partition(1);
        Instant timestamp = nowMillis().minusSeconds(60);
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("axon-message-id", utf8("id-1"));
        headers.put("axon-message-type", utf8("OrderPlaced"));
        headers.put("empty", new byte[0]);
        LogRecord full = new LogRecord("order-1", new byte[] {0, -1, 127, -128, 10}, headers, timestamp);
        LogRecord bare = new LogRecord(null, new byte[0], Map.of(), timestamp.plusMillis(1));

        List<Long> offsets = await(log.append(partition, List.of(full, bare)));
        List<LogEntry> entries = readCount(partition, 0, 2);

        assertEquals(new LogEntry(partition, offsets.get(0), "order-1", full.value(), headers, timestamp), entries.get(0));
        assertEquals(List.copyOf(headers.keySet()), List.copyOf(entries.get(0).headers().keySet()),
                "headers keep their order");
        assertEquals(new LogEntry(partition, offsets.get(1), null, new byte[0], Map.of(), timestamp.plusMillis(1)),
                entries.get(1));
    }

    @Test
    void a_batch_gets_increasing_offsets_and_reads_back_in_order() {
        StreamPartition partition = newStream("orders", 1).partition(0);

        List<Long> offsets = new ArrayList<>(append(partition, "a", "b", "c"));
        offsets.addAll(append(partition, "d", "e"));

        assertIncreasing(offsets, "two batches");
        List<LogEntry> entries = readCount(partition, 0, 5);
        assertEquals(List.of("a", "b", "c", "d", "e"), texts(entries));
        assertEquals(offsets, offsetsOf(entries));
    }

    @Test
    void a_batch_that_fails_leaves_none_of_its_records_visible() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        append(partition, "before");
        // A record that cannot be written, last, so that a non-atomic log would already have written the others.
        List<LogRecord> broken = Arrays.asList(record("lost-1"), record("lost-2"), null);

        failureOf(() -> log.append(partition, broken));

        append(partition, "after");
        assertEquals(List.of("before", "after"), texts(readThrough(partition, 0, "after")));
    }

    @Test
    void a_concurrent_reader_sees_each_batch_entirely_or_not_at_all() throws Exception {
        StreamPartition partition = newStream("batches", 1).partition(0);
        int batches = 25;
        int size = 4;
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> writing = writer.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    String[] values = new String[size];
                    for (int i = 0; i < size; i++) {
                        values[i] = b + "/" + i;
                    }
                    append(partition, values);
                }
            });
            int snapshots = 0;
            boolean writerDone;
            do {
                writerDone = writing.isDone();
                long end = log.endOffset(partition);
                assertWholeBatches(readBelow(partition, end, size), size, end);
                snapshots++;
            } while (!writerDone);
            await(writing);
            assertTrue(snapshots > 0);
        } finally {
            writer.shutdownNow();
        }

        assertEquals(batches * size, readThrough(partition, 0, (batches - 1) + "/" + (size - 1)).size());
    }

    /**
     * The entries below {@code end}, read while appends go on. A read that comes back empty ends the snapshot
     * only when what was read so far is whole batches (on Kafka the end may sit just past a transaction marker,
     * with no entry left to read); otherwise it retries, since the rest of a batch must become visible.
     */
    private List<LogEntry> readBelow(StreamPartition partition, long end, int batchSize) {
        List<LogEntry> below = new ArrayList<>();
        long next = 0;
        long deadline = System.nanoTime() + patience().toNanos();
        while (next < end && System.nanoTime() - deadline < 0) {
            List<LogEntry> entries = read(partition, next, 1000, QUIET);
            if (entries.isEmpty()) {
                if (below.size() % batchSize == 0) {
                    break;
                }
                continue;
            }
            for (LogEntry entry : entries) {
                if (entry.offset() >= end) {
                    return below;
                }
                below.add(entry);
                next = entry.nextOffset();
            }
        }
        return below;
    }

    private static void assertWholeBatches(List<LogEntry> entries, int size, long end) {
        Map<String, Integer> perBatch = new TreeMap<>();
        for (LogEntry entry : entries) {
            perBatch.merge(text(entry).split("/")[0], 1, Integer::sum);
        }
        perBatch.forEach((batch, count) -> assertEquals(size, count,
                "batch " + batch + " was partly visible below endOffset " + end + ": " + texts(entries)));
        assertEquals(perBatch.size() * size, entries.size());
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    @Test
    void a_read_starts_at_the_requested_offset_and_returns_at_most_maxEntries() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        List<Long> offsets = append(partition, "a", "b", "c", "d", "e");

        List<LogEntry> first = read(partition, offsets.get(1), 2, patience());

        assertFalse(first.isEmpty(), "entries are visible from " + offsets.get(1));
        assertEquals("b", text(first.get(0)));
        assertEquals(offsets.get(1), first.get(0).offset());
        LogEntry last = first.get(first.size() - 1);
        List<LogEntry> rest = readCount(partition, last.nextOffset(), 4 - first.size());
        List<String> all = new ArrayList<>(texts(first));
        all.addAll(texts(rest));
        assertEquals(List.of("b", "c", "d", "e"), all);
    }

    @Test
    void a_read_from_below_the_beginning_starts_at_the_beginning() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        List<Long> offsets = append(partition, "a", "b");
        long beginning = log.beginningOffset(partition);

        List<LogEntry> entries = read(partition, beginning - 1, 10, patience());

        assertFalse(entries.isEmpty(), "a read below the beginning finds the entries");
        assertEquals("a", text(entries.get(0)));
        assertEquals(offsets.get(0), entries.get(0).offset());
    }

    @Test
    void a_read_with_nothing_to_return_gives_up_promptly_after_its_timeout() {
        StreamSpec spec = newStream("orders", 2);
        append(spec.partition(0), "a");
        Duration timeout = Duration.ofMillis(300);

        for (StreamPartition partition : List.of(spec.partition(0), spec.partition(1))) {
            long end = log.endOffset(partition);
            long start = System.nanoTime();
            List<LogEntry> entries = read(partition, end, 10, timeout);
            long tookMillis = elapsedMillisSince(start);

            assertEquals(List.of(), entries, partition + " at its end offset");
            assertTrue(tookMillis < timeout.plus(PROMPT_MARGIN).toMillis(),
                    "a read with a " + timeout + " timeout took " + tookMillis + " ms");
        }
    }

    @Test
    void a_waiting_read_returns_an_entry_appended_while_it_waits() throws Exception {
        StreamPartition partition = newStream("orders", 1).partition(0);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<List<LogEntry>> reading = reader.submit(() -> read(partition, 0, 10, patience()));
            // Give the read time to start waiting; were it not started yet, it would simply find the entry at once.
            Thread.sleep(200);
            assertFalse(reading.isDone(), "a read with nothing to return must wait for its timeout");

            long appended = System.nanoTime();
            append(partition, "late");
            List<LogEntry> entries = await(reading);

            assertEquals(List.of("late"), texts(entries));
            long tookMillis = elapsedMillisSince(appended);
            assertTrue(tookMillis < PROMPT_MARGIN.toMillis(),
                    "the waiting read should return soon after the append, took " + tookMillis + " ms");
        } finally {
            reader.shutdownNow();
        }
    }

    // ---- offsets -----------------------------------------------------------------------------------------------

    @Test
    void an_empty_partition_begins_and_ends_at_zero() {
        StreamPartition partition = newStream("orders", 2).partition(1);

        assertEquals(0, log.beginningOffset(partition));
        assertEquals(0, log.endOffset(partition));
        assertNothingVisible(partition, 0);
    }

    @Test
    void the_end_offset_passes_every_appended_entry_and_the_beginning_stays() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        List<Long> first = append(partition, "a", "b", "c");

        long end = log.endOffset(partition);
        assertTrue(end > first.get(2), "end offset " + end + " must pass the last entry at " + first.get(2));
        if (!backend.declaredCapabilities().transactionMarkersTakeOffsets()) {
            assertEquals(first.get(2) + 1, end, "without markers, the end is right after the last entry");
        }
        assertEquals(0, log.beginningOffset(partition));
        assertNothingVisible(partition, end);

        List<Long> second = append(partition, "d");
        assertTrue(second.get(0) >= end, "a new entry goes at or after the previous end " + end + ": " + second);
        assertTrue(log.endOffset(partition) > second.get(0));
        assertEquals(0, log.beginningOffset(partition));
    }

    @Test
    void offsetForTimestamp_finds_the_first_entry_at_or_after_the_timestamp() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        Instant t0 = nowMillis().minusSeconds(60);
        List<Long> offsets = await(log.append(partition, List.of(
                new LogRecord(null, utf8("t0"), Map.of(), t0),
                new LogRecord(null, utf8("t10"), Map.of(), t0.plusSeconds(10)),
                new LogRecord(null, utf8("t20"), Map.of(), t0.plusSeconds(20)))));

        assertEquals(OptionalLong.of(offsets.get(0)), log.offsetForTimestamp(partition, t0.minusSeconds(5)));
        assertEquals(OptionalLong.of(offsets.get(0)), log.offsetForTimestamp(partition, t0));
        assertEquals(OptionalLong.of(offsets.get(1)), log.offsetForTimestamp(partition, t0.plusMillis(1)));
        assertEquals(OptionalLong.of(offsets.get(1)), log.offsetForTimestamp(partition, t0.plusSeconds(10)));
        assertEquals(OptionalLong.of(offsets.get(2)), log.offsetForTimestamp(partition, t0.plusSeconds(15)));
        assertEquals(OptionalLong.of(offsets.get(2)), log.offsetForTimestamp(partition, t0.plusSeconds(20)));
        assertEquals(OptionalLong.empty(), log.offsetForTimestamp(partition, t0.plusSeconds(21)));
    }

    @Test
    void offsetForTimestamp_on_an_empty_partition_is_empty() {
        StreamPartition partition = newStream("orders", 1).partition(0);

        assertEquals(OptionalLong.empty(), log.offsetForTimestamp(partition, Instant.EPOCH));
    }

    @Test
    void each_partition_has_its_own_offsets_and_entries() {
        StreamSpec spec = newStream("orders", 2);
        List<Long> zero = append(spec.partition(0), "zero-a", "zero-b");
        List<Long> one = append(spec.partition(1), "one-a");

        assertEquals(zero, offsetsOf(readCount(spec.partition(0), 0, 2)));
        List<LogEntry> entries = readCount(spec.partition(1), 0, 1);
        assertEquals(List.of("one-a"), texts(entries));
        assertEquals(one, offsetsOf(entries));
        assertNothingVisible(spec.partition(1), entries.get(0).nextOffset());
    }
}
