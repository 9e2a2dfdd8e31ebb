package dev.tributary.memory;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.LogEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;

/**
 * The committed entries of one partition, in offset order, with binary search by offset and by timestamp.
 * Guarded by the log's lock: every method must be called while holding it.
 */
final class PartitionLog {

    private final StreamPartition partition;
    private LogEntry[] entries = new LogEntry[16];
    /**
     * The highest timestamp among entries 0..i: it never decreases, so binary search on it finds the first entry
     * at or after a timestamp even though appenders may stamp records out of order (Kafka's time index does the same).
     */
    private Instant[] maxTimestamps = new Instant[16];
    private int size;
    private long nextOffset;
    /** Threads waiting for this partition to grow: read() calls and members that own it. */
    private final List<Condition> watchers = new ArrayList<>(2);

    PartitionLog(StreamPartition partition) {
        this.partition = partition;
    }

    StreamPartition partition() {
        return partition;
    }

    long beginningOffset() {
        return 0;
    }

    /** The offset after the last commit marker: nothing is uncommitted here, so the last stable offset. */
    long endOffset() {
        return nextOffset;
    }

    /**
     * Appends records that become visible at once, followed by a commit marker that takes one offset, as a Kafka
     * transaction's marker does.
     *
     * @return the offsets assigned, in order
     */
    long[] appendCommitted(List<DetachedRecord> records) {
        ensureCapacity(size + records.size());
        long[] offsets = new long[records.size()];
        for (int i = 0; i < offsets.length; i++) {
            DetachedRecord record = records.get(i);
            LogEntry entry = new LogEntry(partition, nextOffset++, record.key(), record.value(), record.headers(),
                    record.timestamp());
            Instant max = size == 0 || entry.timestamp().isAfter(maxTimestamps[size - 1])
                    ? entry.timestamp() : maxTimestamps[size - 1];
            entries[size] = entry;
            maxTimestamps[size] = max;
            size++;
            offsets[i] = entry.offset();
        }
        // The marker: readers never see it, but it leaves the gap Kafka leaves.
        nextOffset++;
        signalWatchers();
        return offsets;
    }

    /** The index of the first entry at or after {@code offset}, or {@code size} if there is none. */
    private int indexOf(long offset) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (entries[mid].offset() < offset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** How many entries are at or after {@code offset}. */
    int available(long offset) {
        return size - indexOf(offset);
    }

    /** Adds up to {@code max} entries at or after {@code offset} to {@code out}; returns how many it added. */
    int copyFrom(long offset, int max, List<LogEntry> out) {
        int from = indexOf(offset);
        int to = (int) Math.min(size, (long) from + max);
        out.addAll(Arrays.asList(entries).subList(from, to));
        return to - from;
    }

    OptionalLong offsetForTimestamp(Instant timestamp) {
        Instant target = kafkaTimestampForQuery(timestamp);
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (maxTimestamps[mid].isBefore(target)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low == size ? OptionalLong.empty() : OptionalLong.of(entries[low].offset());
    }

    void addWatcher(Condition condition) {
        watchers.add(condition);
    }

    void removeWatcher(Condition condition) {
        watchers.remove(condition);
    }

    void signalWatchers() {
        for (Condition watcher : watchers) {
            watcher.signal();
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > entries.length) {
            int capacity = Math.max(needed, entries.length * 2);
            entries = Arrays.copyOf(entries, capacity);
            maxTimestamps = Arrays.copyOf(maxTimestamps, capacity);
        }
    }

    /** A query is cut to milliseconds like the stored timestamps; any instant may be asked about. */
    private static Instant kafkaTimestampForQuery(Instant timestamp) {
        if (timestamp.isBefore(Instant.EPOCH)) {
            return Instant.EPOCH;
        }
        try {
            return Instant.ofEpochMilli(timestamp.toEpochMilli());
        } catch (ArithmeticException tooFar) {
            return timestamp;
        }
    }
}
