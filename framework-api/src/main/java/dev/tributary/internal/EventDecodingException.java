package dev.tributary.internal;

import dev.tributary.api.TributaryException;
import dev.tributary.spi.LogEntry;

/** An entry on the log could not be turned back into an event or command. */
public class EventDecodingException extends TributaryException {

    public EventDecodingException(LogEntry entry, String why) {
        super("cannot decode the entry at " + entry.partition() + "@" + entry.offset() + ": " + why);
    }

    public EventDecodingException(LogEntry entry, String why, Throwable cause) {
        super("cannot decode the entry at " + entry.partition() + "@" + entry.offset() + ": " + why, cause);
    }
}
