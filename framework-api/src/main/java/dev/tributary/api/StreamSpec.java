package dev.tributary.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stream's name and its fixed number of partitions.
 *
 * <p>Names follow Kafka's topic rules (letters, digits, {@code . _ -}, at most 249 characters) so that a
 * stream declared against the in-memory log is also valid on Kafka.
 *
 * @param name       the stream's name
 * @param partitions the number of partitions, at least 1; fixed once the stream exists
 */
public record StreamSpec(String name, int partitions) {

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public StreamSpec {
        Objects.requireNonNull(name, "name");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("stream name '" + name
                    + "' is not legal: use 1 to 249 of the characters a-z A-Z 0-9 . _ -");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("stream '" + name + "' needs at least 1 partition, got " + partitions);
        }
    }

    public static StreamSpec of(String name, int partitions) {
        return new StreamSpec(name, partitions);
    }

    public StreamPartition partition(int partition) {
        if (partition >= partitions) {
            throw new PartitionOutOfRangeException(name, partition, partitions);
        }
        return new StreamPartition(name, partition);
    }
}
