package dev.tributary.api;

/**
 * An offset commit could not be done right now (a rebalance is in progress) but may succeed after the next poll,
 * if the member still owns the partitions. Nothing was stored.
 */
public class CommitRetriableException extends TributaryException {

    public CommitRetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
