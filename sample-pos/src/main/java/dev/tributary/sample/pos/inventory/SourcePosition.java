package dev.tributary.sample.pos.inventory;

import dev.tributary.api.Event;

import java.util.Objects;

/**
 * Where the event that caused a command sits in the log. A processor hands an aggregate the commands of one source
 * partition in offset order, so an aggregate that remembers the last offset it applied per source partition can
 * tell a repeated command (a reset processor, a redelivery) from a new one.
 *
 * @param stream    the source stream
 * @param partition the source partition
 * @param offset    the source event's offset
 */
public record SourcePosition(String stream, int partition, long offset) {

    public SourcePosition {
        Objects.requireNonNull(stream, "stream");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
    }

    public static SourcePosition of(Event event) {
        return new SourcePosition(event.stream(), event.partition(), event.offset());
    }

    /** The source partition, as the key of an aggregate's high-water marks. */
    public String partitionKey() {
        return stream + "-" + partition;
    }

    @Override
    public String toString() {
        return partitionKey() + "@" + offset;
    }
}
