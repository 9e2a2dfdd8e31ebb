package dev.tributary.api;

import java.util.Objects;

/**
 * One partition of a named stream: the unit of ordering, ownership and offset tracking.
 *
 * @param stream    the stream's name, never blank
 * @param partition the partition number, from 0 to the stream's partition count minus one
 */
public record StreamPartition(String stream, int partition) implements Comparable<StreamPartition> {

    public StreamPartition {
        Objects.requireNonNull(stream, "stream");
        if (stream.isBlank()) {
            throw new IllegalArgumentException("stream name must not be blank, got '" + stream + "'");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition + " for stream '" + stream + "'");
        }
    }

    public static StreamPartition of(String stream, int partition) {
        return new StreamPartition(stream, partition);
    }

    @Override
    public int compareTo(StreamPartition other) {
        int byStream = stream.compareTo(other.stream);
        return byStream != 0 ? byStream : Integer.compare(partition, other.partition);
    }

    @Override
    public String toString() {
        return stream + "-" + partition;
    }
}
