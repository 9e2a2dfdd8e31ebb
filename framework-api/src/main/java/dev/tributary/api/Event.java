package dev.tributary.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event as a consumer receives it: the deserialized payload plus where it sits in the log.
 *
 * @param stream         the stream it was read from
 * @param partition      its partition
 * @param offset         its offset in that partition
 * @param key            the record key (aggregate id or the key it was published with), or {@code null}
 * @param messageId      its unique message id
 * @param type           the payload's type name as written to the log
 * @param payload        the deserialized payload
 * @param metaData       its metadata; values travel as text
 * @param timestamp      when it was created
 * @param aggregateType  the aggregate type that applied it, or {@code null} for a published event
 * @param aggregateId    the aggregate id, or {@code null} for a published event
 * @param sequenceNumber the aggregate's sequence number of this event, or -1 for a published event
 */
public record Event(String stream, int partition, long offset, String key, String messageId, String type,
                    Object payload, Map<String, String> metaData, Instant timestamp,
                    String aggregateType, String aggregateId, long sequenceNumber) {

    public Event {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(payload, "payload");
        metaData = metaData == null ? Map.of() : Map.copyOf(metaData);
    }

    public StreamPartition streamPartition() {
        return new StreamPartition(stream, partition);
    }

    /** The payload as the given type. @throws ClassCastException naming both types if it is not one */
    public <T> T payload(Class<T> expected) {
        if (!expected.isInstance(payload)) {
            throw new ClassCastException("event at " + streamPartition() + "@" + offset + " is a "
                    + payload.getClass().getName() + ", not a " + expected.getName());
        }
        return expected.cast(payload);
    }
}
