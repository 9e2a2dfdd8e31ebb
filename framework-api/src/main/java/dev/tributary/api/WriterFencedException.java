package dev.tributary.api;

/**
 * A transactional writer was replaced by a newer writer with the same transactional id (another instance
 * took over the partition), so its transaction cannot commit. What it wrote is discarded.
 */
public class WriterFencedException extends TributaryException {

    public WriterFencedException(String transactionalId, String detail) {
        super("transactional writer '" + transactionalId + "' was fenced by a newer writer with the same id: " + detail);
    }
}
