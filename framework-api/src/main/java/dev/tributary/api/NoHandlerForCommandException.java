package dev.tributary.api;

/** A command was sent that no registered aggregate handles, or whose target aggregate id could not be found. */
public class NoHandlerForCommandException extends TributaryException {

    public NoHandlerForCommandException(String message) {
        super(message);
    }
}
