package dev.tributary.memory;

import dev.tributary.spi.LogRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A record accepted for appending: validated, and detached from the caller's arrays so that reusing a buffer
 * after appending cannot change the log (Kafka serializes at send time). Offsets are given at commit.
 */
record DetachedRecord(String key, byte[] value, Map<String, byte[]> headers, Instant timestamp) {

    static List<DetachedRecord> detach(List<LogRecord> records) {
        Objects.requireNonNull(records, "records");
        List<DetachedRecord> detached = new ArrayList<>(records.size());
        for (LogRecord record : records) {
            Objects.requireNonNull(record, "a record in the list is null");
            detached.add(new DetachedRecord(record.key(), record.value().clone(), copy(record.headers()),
                    kafkaTimestamp(record.timestamp())));
        }
        return detached;
    }

    private static Map<String, byte[]> copy(Map<String, byte[]> headers) {
        if (headers.isEmpty()) {
            return Map.of();
        }
        Map<String, byte[]> copy = new LinkedHashMap<>(headers.size() * 2);
        headers.forEach((name, value) -> copy.put(name, value == null ? null : value.clone()));
        return copy;
    }

    /**
     * Kafka keeps timestamps as non-negative epoch milliseconds; storing the same keeps a record read back from
     * memory equal to the one read back from Kafka.
     */
    private static Instant kafkaTimestamp(Instant timestamp) {
        long millis;
        try {
            millis = timestamp.toEpochMilli();
        } catch (ArithmeticException tooFar) {
            throw new IllegalArgumentException("timestamp " + timestamp + " does not fit in epoch milliseconds", tooFar);
        }
        if (millis < 0) {
            throw new IllegalArgumentException("timestamp " + timestamp
                    + " is before 1970-01-01T00:00:00Z; the log keeps non-negative epoch milliseconds, as Kafka does");
        }
        return Instant.ofEpochMilli(millis);
    }
}
