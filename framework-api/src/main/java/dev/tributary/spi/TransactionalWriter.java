package dev.tributary.spi;

/**
 * Opens transactional units, one at a time, under one transactional id (Kafka's transactional producer).
 *
 * <p>Not thread-safe: one thread begins, fills and ends each transaction. A newer writer with the same id,
 * anywhere, fences this one: its open transaction and every later one fails with
 * {@link dev.tributary.api.WriterFencedException}.
 */
public interface TransactionalWriter extends AutoCloseable {

    String transactionalId();

    /**
     * Begins a transaction.
     *
     * @throws IllegalStateException if the previous one was neither committed nor aborted
     */
    LogTransaction begin();

    /** Aborts any open transaction and releases the writer. */
    @Override
    void close();
}
