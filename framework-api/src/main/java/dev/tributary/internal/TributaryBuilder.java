package dev.tributary.internal;

import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.internal.command.CommandRuntime;
import dev.tributary.internal.projection.ProjectionRuntime;
import dev.tributary.spi.EventLog;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** The one builder behind {@link Tributary#builder()}: checks each option as it is set, names the bad value. */
public final class TributaryBuilder implements Tributary.Builder {

    /** The suffix of the stream that carries an aggregate stream's commands. */
    public static final String COMMAND_STREAM_SUFFIX = "-commands";

    private EventLog eventLog;
    private final Map<String, StreamSpec> streams = new LinkedHashMap<>();
    private final Map<Class<?>, String> aggregates = new LinkedHashMap<>();
    private Integer cacheSize;
    private Clock clock;
    private String instanceId;

    @Override
    public Tributary.Builder eventLog(EventLog eventLog) {
        Objects.requireNonNull(eventLog, "eventLog");
        if (this.eventLog != null) {
            throw new IllegalStateException("eventLog was already set to " + this.eventLog);
        }
        this.eventLog = eventLog;
        return this;
    }

    @Override
    public Tributary.Builder stream(StreamSpec stream) {
        Objects.requireNonNull(stream, "stream");
        StreamSpec previous = streams.putIfAbsent(stream.name(), stream);
        if (previous != null && !previous.equals(stream)) {
            throw new IllegalStateException("stream '" + stream.name() + "' was already declared with "
                    + previous.partitions() + " partition(s), now with " + stream.partitions());
        }
        return this;
    }

    @Override
    public Tributary.Builder aggregate(Class<?> aggregateType, String stream) {
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(stream, "stream");
        new StreamSpec(stream, 1); // validates the name
        if (stream.endsWith(COMMAND_STREAM_SUFFIX)) {
            throw new IllegalArgumentException("aggregate stream '" + stream + "' must not end in '"
                    + COMMAND_STREAM_SUFFIX + "': that suffix names command streams");
        }
        String previous = aggregates.putIfAbsent(aggregateType, stream);
        if (previous != null) {
            throw new IllegalStateException("aggregate " + aggregateType.getName() + " was already given stream '"
                    + previous + "'");
        }
        return this;
    }

    @Override
    public Tributary.Builder aggregateCacheSize(int aggregatesPerPartition) {
        if (cacheSize != null) {
            throw new IllegalStateException("aggregateCacheSize was already set to " + cacheSize);
        }
        if (aggregatesPerPartition < 0) {
            throw new IllegalArgumentException("aggregateCacheSize must be >= 0, got " + aggregatesPerPartition);
        }
        cacheSize = aggregatesPerPartition;
        return this;
    }

    @Override
    public Tributary.Builder clock(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        if (this.clock != null) {
            throw new IllegalStateException("clock was already set to " + this.clock);
        }
        this.clock = clock;
        return this;
    }

    @Override
    public Tributary.Builder instanceId(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        if (this.instanceId != null) {
            throw new IllegalStateException("instanceId was already set to '" + this.instanceId + "'");
        }
        if (!instanceId.matches("[a-zA-Z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("instanceId '" + instanceId
                    + "' is not legal: use 1 to 100 of the characters a-z A-Z 0-9 . _ -");
        }
        this.instanceId = instanceId;
        return this;
    }

    @Override
    public Tributary build() {
        if (eventLog == null) {
            throw new IllegalStateException("eventLog is required: pass InMemoryEventLog.create() or a KafkaEventLog");
        }
        streams.values().forEach(eventLog::createStream);
        Map<Class<?>, StreamSpec> aggregateStreams = new LinkedHashMap<>();
        aggregates.forEach((type, stream) -> {
            StreamSpec spec = eventLog.stream(stream);
            eventLog.createStream(new StreamSpec(stream + COMMAND_STREAM_SUFFIX, spec.partitions()));
            aggregateStreams.put(type, spec);
        });
        String id = instanceId != null ? instanceId : "tributary-" + UUID.randomUUID().toString().substring(0, 8);
        EventCodec codec = EventCodec.withDefaults(clock != null ? clock : Clock.systemUTC());
        CommandRuntime commands = new CommandRuntime(eventLog, codec, aggregateStreams,
                cacheSize != null ? cacheSize : 10_000, id);
        ProjectionRuntime projections = new ProjectionRuntime(eventLog, codec, id, commands);
        commands.start();
        return new DefaultTributary(commands, projections);
    }
}
