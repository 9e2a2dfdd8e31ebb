package dev.tributary.spi;

import dev.tributary.api.StreamPartition;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A committed record as read back from the log.
 *
 * @param partition where it lives
 * @param offset    its offset; offsets increase within a partition but may have gaps
 * @param key       the record's key, or {@code null}
 * @param value     the serialized payload
 * @param headers   the headers it was appended with
 * @param timestamp the timestamp it was appended with
 */
public record LogEntry(StreamPartition partition, long offset, String key, byte[] value,
                       Map<String, byte[]> headers, Instant timestamp) {

    public LogEntry {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timestamp, "timestamp");
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The offset a consumer stores after handling this entry: the position to resume from. */
    public long nextOffset() {
        return offset + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && partition.equals(e.partition) && offset == e.offset
                && Objects.equals(key, e.key) && Arrays.equals(value, e.value)
                && Objects.equals(timestamp, e.timestamp) && Headers.equal(headers, e.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, offset);
    }

    @Override
    public String toString() {
        return "LogEntry[" + partition + "@" + offset + ", key=" + key + ", " + value.length + " bytes]";
    }
}
