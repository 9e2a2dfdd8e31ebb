package dev.tributary.internal.command;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.TributaryException;

/**
 * An aggregate's history could not be read back from the log (the log failed, or an event no longer decodes). It
 * is the log's failure, not the command's: a command that meets it is retried from the command stream rather than
 * committed as rejected.
 */
final class AggregateLoadException extends TributaryException {

    AggregateLoadException(String aggregateId, StreamPartition partition, Throwable cause) {
        super("cannot read the events of aggregate '" + aggregateId + "' from " + partition + ": " + cause.getMessage(),
                cause);
    }
}
