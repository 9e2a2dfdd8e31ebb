package dev.tributary.memory;

import dev.tributary.api.PartitionOutOfRangeException;
import dev.tributary.api.StreamConflictException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryEventLogTest {

    private final InMemoryEventLog log = InMemoryEventLog.builder().name("unit").build();
    private final StreamPartition orders0 = StreamPartition.of("orders", 0);

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void every_append_leaves_a_gap_for_its_commit_marker() {
        log.createStream(StreamSpec.of("orders", 2));

        List<Long> first = log.append(orders0, List.of(record("a"), record("b"))).join();
        List<Long> second = log.append(orders0, List.of(record("c"))).join();

        assertEquals(List.of(0L, 1L), first);
        assertEquals(List.of(3L), second);
        assertEquals(5, log.endOffset(orders0));
        assertEquals(0, log.endOffset(StreamPartition.of("orders", 1)));
        List<LogEntry> entries = log.read(orders0, 0, 10, Duration.ZERO);
        assertEquals(List.of(0L, 1L, 3L), entries.stream().map(LogEntry::offset).toList());
    }

    @Test
    void an_empty_append_takes_no_offset() {
        log.createStream(StreamSpec.of("orders", 1));

        assertEquals(List.of(), log.append(orders0, List.of()).join());
        assertEquals(0, log.endOffset(orders0));
    }

    @Test
    void creating_a_stream_twice_with_the_same_count_is_fine_and_with_another_count_is_refused() {
        log.createStream(StreamSpec.of("orders", 3));
        log.createStream(StreamSpec.of("orders", 3));

        StreamConflictException conflict =
                assertThrows(StreamConflictException.class, () -> log.createStream(StreamSpec.of("orders", 4)));
        assertTrue(conflict.getMessage().contains("3"), conflict.getMessage());
        assertEquals(3, log.stream("orders").partitions());
    }

    @Test
    void bad_partitions_are_refused_by_name_and_change_nothing() {
        log.createStream(StreamSpec.of("orders", 2));

        assertThrows(UnknownStreamException.class, () -> log.append(StreamPartition.of("nope", 0), List.of(record("a"))));
        PartitionOutOfRangeException outOfRange = assertThrows(PartitionOutOfRangeException.class,
                () -> log.append(StreamPartition.of("orders", 2), List.of(record("a"))));
        assertTrue(outOfRange.getMessage().contains("partition 2"), outOfRange.getMessage());
        assertThrows(UnknownStreamException.class, () -> log.endOffset(StreamPartition.of("nope", 0)));
        assertThrows(UnknownStreamException.class, () -> log.joinGroup("g", java.util.Set.of("nope"),
                dev.tributary.spi.RebalanceListener.NONE));
        assertEquals(0, log.endOffset(orders0));
    }

    @Test
    void a_read_waits_for_the_first_entry_and_returns_when_it_is_appended() throws Exception {
        log.createStream(StreamSpec.of("orders", 1));
        BlockingCall<List<LogEntry>> read =
                BlockingCall.start(() -> log.read(orders0, 0, 10, Duration.ofSeconds(10))).awaitBlocked();

        log.append(orders0, List.of(record("late"))).join();

        List<LogEntry> entries = read.get(Duration.ofSeconds(5));
        assertEquals("late", entries.get(0).key());
    }

    @Test
    void a_read_with_nothing_to_read_returns_empty_after_its_timeout() {
        log.createStream(StreamSpec.of("orders", 1));

        assertEquals(List.of(), log.read(orders0, 0, 10, Duration.ofMillis(20)));
    }

    @Test
    void a_read_from_a_marker_or_gap_resumes_at_the_next_entry() {
        log.createStream(StreamSpec.of("orders", 1));
        log.append(orders0, List.of(record("a"))).join();
        log.append(orders0, List.of(record("b"))).join();

        List<LogEntry> entries = log.read(orders0, 1, 10, Duration.ZERO);

        assertEquals(List.of(2L), entries.stream().map(LogEntry::offset).toList());
        assertEquals(List.of(0L), log.read(orders0, -5, 1, Duration.ZERO).stream().map(LogEntry::offset).toList());
    }

    @Test
    void the_offset_for_a_timestamp_is_the_first_entry_at_or_after_it_even_when_stamps_are_out_of_order() {
        log.createStream(StreamSpec.of("orders", 1));
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        log.append(orders0, List.of(at(t.plusSeconds(10)), at(t.plusSeconds(5)), at(t.plusSeconds(20)))).join();

        assertEquals(OptionalLong.of(0), log.offsetForTimestamp(orders0, t));
        assertEquals(OptionalLong.of(0), log.offsetForTimestamp(orders0, t.plusSeconds(6)));
        assertEquals(OptionalLong.of(2), log.offsetForTimestamp(orders0, t.plusSeconds(11)));
        assertEquals(OptionalLong.empty(), log.offsetForTimestamp(orders0, t.plusSeconds(21)));
    }

    @Test
    void timestamps_are_kept_in_milliseconds_as_on_kafka() {
        log.createStream(StreamSpec.of("orders", 1));
        Instant precise = Instant.parse("2024-01-01T00:00:00.123456789Z");

        log.append(orders0, List.of(at(precise))).join();

        assertEquals(Instant.parse("2024-01-01T00:00:00.123Z"), log.read(orders0, 0, 1, Duration.ZERO).get(0).timestamp());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> log.append(orders0, List.of(at(Instant.parse("1969-12-31T23:59:59Z")))));
        assertTrue(negative.getMessage().contains("1969-12-31T23:59:59Z"), negative.getMessage());
    }

    @Test
    void reusing_a_buffer_after_appending_does_not_change_the_log() {
        log.createStream(StreamSpec.of("orders", 1));
        byte[] buffer = "first".getBytes(StandardCharsets.UTF_8);
        byte[] header = {1};

        log.append(orders0, List.of(new LogRecord("k", buffer, Map.of("h", header), Instant.now()))).join();
        buffer[0] = 'X';
        header[0] = 9;

        LogEntry entry = log.read(orders0, 0, 1, Duration.ZERO).get(0);
        assertEquals("first", new String(entry.value(), StandardCharsets.UTF_8));
        assertArrayEquals(new byte[]{1}, entry.headers().get("h"));
    }

    @Test
    void closing_the_log_wakes_a_blocked_read_which_fails_naming_the_log() throws Exception {
        log.createStream(StreamSpec.of("orders", 1));
        BlockingCall<List<LogEntry>> read =
                BlockingCall.start(() -> log.read(orders0, 0, 10, Duration.ofSeconds(30))).awaitBlocked();

        log.close();

        Throwable failure = read.failure(Duration.ofSeconds(5));
        assertTrue(failure instanceof IllegalStateException, String.valueOf(failure));
        assertTrue(failure.getMessage().contains("'unit' is closed"), failure.getMessage());
        IllegalStateException later = assertThrows(IllegalStateException.class, () -> log.endOffset(orders0));
        assertTrue(later.getMessage().contains("'unit'"), later.getMessage());
    }

    @Test
    void it_declares_that_markers_take_offsets_and_that_it_is_not_durable() {
        assertTrue(log.capabilities().transactionMarkersTakeOffsets());
        assertFalse(log.capabilities().durable());
    }

    static LogRecord record(String key) {
        return new LogRecord(key, key.getBytes(StandardCharsets.UTF_8), Map.of(), Instant.now());
    }

    private static LogRecord at(Instant timestamp) {
        return new LogRecord(null, new byte[]{0}, Map.of(), timestamp);
    }
}
