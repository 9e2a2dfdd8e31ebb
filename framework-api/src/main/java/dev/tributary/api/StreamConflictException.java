package dev.tributary.api;

/** A stream already exists with a different partition count than the one declared. */
public class StreamConflictException extends TributaryException {

    public StreamConflictException(String stream, int existingPartitions, int declaredPartitions) {
        super("stream '" + stream + "' already exists with " + existingPartitions
                + " partition(s), but " + declaredPartitions + " were declared; partition counts never change");
    }
}
