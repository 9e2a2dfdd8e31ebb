package dev.tributary.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tributary.api.Event;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.Headers;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Revision;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns messages into log records and back. Values are JSON (Jackson); headers follow the Axon Kafka extension's
 * names and byte formats ({@code axon-message-id}, {@code axon-message-timestamp} as an 8-byte epoch-milli long,
 * {@code axon-metadata-<key>} as UTF-8 text, ...) so that its consumers and {@code kafka-console-consumer} can read
 * Tributary's streams. Thread-safe.
 */
public final class EventCodec {

    /** Marks a record on a command stream; its value is the command payload. */
    public static final String COMMAND_NAME = "tributary-command-name";
    private static final String METADATA_PREFIX = Headers.MESSAGE_METADATA + "-";

    private final ObjectMapper mapper;
    private final Clock clock;
    private final ClassLoader classLoader;
    private final Map<String, Class<?>> types = new ConcurrentHashMap<>();

    public EventCodec(ObjectMapper mapper, Clock clock) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.classLoader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : EventCodec.class.getClassLoader();
    }

    public static EventCodec withDefaults(Clock clock) {
        return new EventCodec(defaultObjectMapper(), clock);
    }

    public static ObjectMapper defaultObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public Clock clock() {
        return clock;
    }

    /** An event published from outside any aggregate. */
    public LogRecord encodeEvent(String key, Object payload, Map<String, ?> metaData) {
        Instant now = clock.instant();
        return encode(new GenericEventMessage<>(newMessageId(), payload, metaData == null ? Map.of() : metaData, now),
                key, now);
    }

    /** An Axon event message; a {@link DomainEventMessage} also carries its aggregate headers. */
    public LogRecord encode(EventMessage<?> message, String key) {
        return encode(message, key, message.getTimestamp());
    }

    private LogRecord encode(EventMessage<?> message, String key, Instant timestamp) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(Headers.MESSAGE_ID, utf8(message.getIdentifier()));
        headers.put(Headers.MESSAGE_TYPE, utf8(message.getPayloadType().getName()));
        String revision = revisionOf(message.getPayloadType());
        if (revision != null) {
            headers.put(Headers.MESSAGE_REVISION, utf8(revision));
        }
        headers.put(Headers.MESSAGE_TIMESTAMP, longBytes(timestamp.toEpochMilli()));
        if (message instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null) {
            headers.put(Headers.AGGREGATE_ID, utf8(domain.getAggregateIdentifier()));
            headers.put(Headers.AGGREGATE_SEQ, longBytes(domain.getSequenceNumber()));
            headers.put(Headers.AGGREGATE_TYPE, utf8(domain.getType()));
        }
        putMetaData(headers, message.getMetaData());
        return new LogRecord(key, toJson(message.getPayload()), headers, timestamp);
    }

    /** A command on its aggregate's command stream, keyed by the target aggregate id. */
    public LogRecord encodeCommand(CommandMessage<?> command, String aggregateId) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(Headers.MESSAGE_ID, utf8(command.getIdentifier()));
        headers.put(Headers.MESSAGE_TYPE, utf8(command.getPayloadType().getName()));
        headers.put(COMMAND_NAME, utf8(command.getCommandName()));
        Instant now = clock.instant();
        headers.put(Headers.MESSAGE_TIMESTAMP, longBytes(now.toEpochMilli()));
        putMetaData(headers, command.getMetaData());
        return new LogRecord(aggregateId, toJson(command.getPayload()), headers, now);
    }

    public CommandMessage<?> decodeCommand(LogEntry entry) {
        Object payload = fromJson(entry, header(entry, Headers.MESSAGE_TYPE));
        String id = header(entry, Headers.MESSAGE_ID);
        String name = header(entry, COMMAND_NAME);
        GenericMessage<Object> message = new GenericMessage<>(id != null ? id : newMessageId(), payload, metaDataOf(entry));
        return new GenericCommandMessage<>(message, name != null ? name : payload.getClass().getName());
    }

    /** The event at an entry, with the payload deserialized. */
    public Event decode(LogEntry entry) {
        String type = header(entry, Headers.MESSAGE_TYPE);
        if (type == null) {
            throw new EventDecodingException(entry, "it has no '" + Headers.MESSAGE_TYPE + "' header");
        }
        Object payload = fromJson(entry, type);
        byte[] ts = entry.headers().get(Headers.MESSAGE_TIMESTAMP);
        Instant timestamp = ts != null && ts.length == 8 ? Instant.ofEpochMilli(ByteBuffer.wrap(ts).getLong()) : entry.timestamp();
        byte[] seq = entry.headers().get(Headers.AGGREGATE_SEQ);
        return new Event(entry.partition().stream(), entry.partition().partition(), entry.offset(), entry.key(),
                header(entry, Headers.MESSAGE_ID), type, payload, metaDataOf(entry), timestamp,
                header(entry, Headers.AGGREGATE_TYPE), header(entry, Headers.AGGREGATE_ID),
                seq != null && seq.length == 8 ? ByteBuffer.wrap(seq).getLong() : -1L);
    }

    /** The Axon message for an event, so that Axon's annotated handlers and parameter resolvers can take it. */
    public EventMessage<?> toEventMessage(Event event) {
        MetaData metaData = MetaData.from(event.metaData());
        if (event.aggregateId() != null) {
            return new GenericDomainEventMessage<>(event.aggregateType(), event.aggregateId(), event.sequenceNumber(),
                    event.payload(), metaData, event.messageId(), event.timestamp());
        }
        return new GenericEventMessage<>(event.messageId(), event.payload(), metaData, event.timestamp());
    }

    private Object fromJson(LogEntry entry, String type) {
        Class<?> cls = types.computeIfAbsent(type, t -> {
            try {
                return Class.forName(t, false, classLoader);
            } catch (ClassNotFoundException e) {
                return Unresolvable.class;
            }
        });
        if (cls == Unresolvable.class) {
            throw new EventDecodingException(entry, "its type '" + type + "' is not on the classpath");
        }
        try {
            return mapper.readValue(entry.value(), cls);
        } catch (IOException e) {
            throw new EventDecodingException(entry, "its JSON does not read as " + type + ": " + e.getMessage(), e);
        }
    }

    private byte[] toJson(Object payload) {
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + payload.getClass().getName() + " to JSON: "
                    + e.getMessage(), e);
        }
    }

    private static void putMetaData(Map<String, byte[]> headers, Map<String, ?> metaData) {
        metaData.forEach((k, v) -> {
            if (v != null) {
                headers.put(METADATA_PREFIX + k, utf8(String.valueOf(v)));
            }
        });
    }

    private static Map<String, String> metaDataOf(LogEntry entry) {
        Map<String, String> metaData = new HashMap<>();
        entry.headers().forEach((k, v) -> {
            if (k.startsWith(METADATA_PREFIX)) {
                metaData.put(k.substring(METADATA_PREFIX.length()), new String(v, StandardCharsets.UTF_8));
            }
        });
        return metaData;
    }

    private static String header(LogEntry entry, String name) {
        byte[] v = entry.headers().get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static String revisionOf(Class<?> type) {
        Revision revision = type.getAnnotation(Revision.class);
        return revision == null ? null : revision.value();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    public static String newMessageId() {
        return UUID.randomUUID().toString();
    }

    private static final class Unresolvable {
    }
}
