package dev.tributary.internal.command;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.LogRecord;

import java.util.Map;

/** Turns a command into the record that carries it on its aggregate's command stream (processors use it). */
public interface CommandRouter {

    /**
     * @throws dev.tributary.api.NoHandlerForCommandException naming the command's type if no registered aggregate
     *                                                         handles it
     */
    RoutedCommand route(Object command, Map<String, ?> metaData);

    record RoutedCommand(StreamPartition partition, LogRecord record) {
    }
}
