package dev.tributary.api;

/** A stream was named that the log does not have. */
public class UnknownStreamException extends TributaryException {

    private final String stream;

    public UnknownStreamException(String stream) {
        super("unknown stream '" + stream + "': create it first (EventLog.createStream or Tributary.Builder.stream)");
        this.stream = stream;
    }

    public String stream() {
        return stream;
    }
}
