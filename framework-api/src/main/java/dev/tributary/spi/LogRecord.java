package dev.tributary.spi;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A record to append: what a producer hands the log. The log assigns the offset.
 *
 * @param key       the record's key (aggregate id or event key), or {@code null} for none; it picked the partition
 * @param value     the serialized payload, never {@code null}
 * @param headers   header name to bytes, in insertion order; names follow the Axon Kafka extension
 *                  ({@code axon-message-id}, {@code axon-message-type}, ...)
 * @param timestamp the record's creation time, kept to the millisecond (as Kafka keeps it)
 */
public record LogRecord(String key, byte[] value, Map<String, byte[]> headers, Instant timestamp) {

    public LogRecord {
        Objects.requireNonNull(value, "value");
        // Kafka stores milliseconds; truncating here makes a record read back equal on every backend.
        timestamp = Objects.requireNonNull(timestamp, "timestamp").truncatedTo(ChronoUnit.MILLIS);
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static LogRecord of(String key, byte[] value) {
        return new LogRecord(key, value, Map.of(), Instant.now());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogRecord r && Objects.equals(key, r.key) && Arrays.equals(value, r.value)
                && Objects.equals(timestamp, r.timestamp) && Headers.equal(headers, r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), timestamp);
    }

    @Override
    public String toString() {
        return "LogRecord[key=" + key + ", " + value.length + " bytes, headers=" + headers.keySet() + ", timestamp=" + timestamp + "]";
    }
}
