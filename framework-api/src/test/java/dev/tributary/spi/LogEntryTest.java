package dev.tributary.spi;

import dev.tributary.api.StreamPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogEntryTest {

    private static final StreamPartition PARTITION = StreamPartition.of("orders", 2);
    private static final Instant TIME = Instant.ofEpochMilli(1_700_000_000_000L);

    @Test
    void the_next_offset_is_the_one_after_the_entry() {
        assertEquals(42, new LogEntry(PARTITION, 41, "k", new byte[] {1}, Map.of(), TIME).nextOffset());
    }

    @Test
    void entries_with_equal_bytes_are_equal() {
        LogEntry one = new LogEntry(PARTITION, 7, "k", new byte[] {1, 2}, Map.of("h", new byte[] {3}), TIME);
        LogEntry same = new LogEntry(PARTITION, 7, "k", new byte[] {1, 2}, Map.of("h", new byte[] {3}), TIME);

        assertEquals(one, same);
        assertEquals(one.hashCode(), same.hashCode());
        assertNotEquals(one, new LogEntry(PARTITION, 7, "k", new byte[] {1, 3}, Map.of("h", new byte[] {3}), TIME));
        assertNotEquals(one, new LogEntry(PARTITION, 7, "k", new byte[] {1, 2}, Map.of("h", new byte[] {4}), TIME));
        assertNotEquals(one, new LogEntry(PARTITION, 7, "k", new byte[] {1, 2}, Map.of(), TIME));
        assertNotEquals(one, new LogEntry(PARTITION, 8, "k", new byte[] {1, 2}, Map.of("h", new byte[] {3}), TIME));
        assertNotEquals(one, new LogEntry(PARTITION, 7, null, new byte[] {1, 2}, Map.of("h", new byte[] {3}), TIME));
    }

    @Test
    void headers_are_copied_keep_their_order_and_cannot_be_changed() {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("z", new byte[] {1});
        headers.put("a", new byte[] {2});
        LogEntry entry = new LogEntry(PARTITION, 0, null, new byte[0], headers, TIME);
        headers.put("late", new byte[] {3});

        assertEquals(List.of("z", "a"), List.copyOf(entry.headers().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> entry.headers().put("x", new byte[0]));
        assertTrue(new LogEntry(PARTITION, 0, null, new byte[0], null, TIME).headers().isEmpty());
    }

    @Test
    void partition_value_and_timestamp_are_required() {
        assertThrows(NullPointerException.class, () -> new LogEntry(null, 0, "k", new byte[0], Map.of(), TIME));
        assertThrows(NullPointerException.class, () -> new LogEntry(PARTITION, 0, "k", null, Map.of(), TIME));
        assertThrows(NullPointerException.class, () -> new LogEntry(PARTITION, 0, "k", new byte[0], Map.of(), null));
    }
}
