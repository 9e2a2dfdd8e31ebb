package dev.tributary.api;

/** The root of Tributary's own exceptions; subclasses name the cause. */
public class TributaryException extends RuntimeException {

    public TributaryException(String message) {
        super(message);
    }

    public TributaryException(String message, Throwable cause) {
        super(message, cause);
    }
}
