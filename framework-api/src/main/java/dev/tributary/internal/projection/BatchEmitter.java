package dev.tributary.internal.projection;

import dev.tributary.api.Emitter;
import dev.tributary.api.StreamPartition;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.command.CommandRouter;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects a processor batch's outputs, per partition in emission order, for its log transaction. Valid only while
 * a handler call is open, as {@link Emitter} promises.
 */
final class BatchEmitter implements Emitter {

    private final EventLog log;
    private final EventCodec codec;
    private final CommandRouter commands;
    private final Map<StreamPartition, List<LogRecord>> records = new LinkedHashMap<>();
    private boolean open;

    BatchEmitter(EventLog log, EventCodec codec, CommandRouter commands) {
        this.log = log;
        this.codec = codec;
        this.commands = commands;
    }

    void open() {
        open = true;
    }

    void close() {
        open = false;
    }

    /** What was emitted, per partition. */
    Map<StreamPartition, List<LogRecord>> records() {
        return records;
    }

    @Override
    public void emit(String stream, String key, Object event) {
        emit(stream, key, event, Map.of());
    }

    @Override
    public void emit(String stream, String key, Object event, Map<String, ?> metaData) {
        checkOpen();
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        StreamPartition partition = log.partitionFor(stream, key);
        add(partition, codec.encodeEvent(key, event, metaData == null ? Map.of() : metaData));
    }

    @Override
    public void send(Object command) {
        send(command, Map.of());
    }

    @Override
    public void send(Object command, Map<String, ?> metaData) {
        checkOpen();
        Objects.requireNonNull(command, "command");
        CommandRouter.RoutedCommand routed = commands.route(command, metaData == null ? Map.of() : metaData);
        add(routed.partition(), routed.record());
    }

    private void add(StreamPartition partition, LogRecord record) {
        records.computeIfAbsent(partition, p -> new ArrayList<>()).add(record);
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("an Emitter is only valid inside the handler call it was passed to");
        }
    }
}
