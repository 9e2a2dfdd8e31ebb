package dev.tributary.spi;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogRecordTest {

    private static final Instant TIME = Instant.ofEpochMilli(1_700_000_000_000L);

    @Test
    void a_record_compares_its_bytes_and_copies_its_headers() {
        Map<String, byte[]> headers = new HashMap<>(Map.of("h", new byte[] {9}));
        LogRecord record = new LogRecord("k", new byte[] {1}, headers, TIME);
        headers.clear();

        assertEquals(new LogRecord("k", new byte[] {1}, Map.of("h", new byte[] {9}), TIME), record);
        assertEquals(new LogRecord("k", new byte[] {1}, Map.of("h", new byte[] {9}), TIME).hashCode(), record.hashCode());
        assertNotEquals(new LogRecord("k", new byte[] {2}, Map.of("h", new byte[] {9}), TIME), record);
        assertThrows(UnsupportedOperationException.class, () -> record.headers().put("x", new byte[0]));
        assertThrows(NullPointerException.class, () -> new LogRecord("k", null, Map.of(), TIME));
        assertThrows(NullPointerException.class, () -> new LogRecord("k", new byte[0], Map.of(), null));
    }

    @Test
    void of_makes_a_record_without_headers_stamped_now() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        LogRecord record = LogRecord.of(null, new byte[] {1});

        assertTrue(record.headers().isEmpty());
        assertTrue(!record.timestamp().isBefore(before) && !record.timestamp().isAfter(Instant.now()));
    }

    @Test
    void timestamps_are_kept_to_the_millisecond_as_kafka_keeps_them() {
        Instant precise = Instant.parse("2026-11-21T10:15:30.123456789Z");
        LogRecord record = new LogRecord("k", new byte[] {1}, null, precise);

        assertEquals(Instant.parse("2026-11-21T10:15:30.123Z"), record.timestamp());
    }
}
