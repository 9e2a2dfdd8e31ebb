package dev.tributary.memory;

import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.TransactionalWriter;

/**
 * A transactional writer of an {@link InMemoryEventLog}: one epoch of a transactional id, fenced as soon as a newer
 * writer with the same id is created, like a Kafka producer after another one called {@code initTransactions}.
 */
final class InMemoryTransactionalWriter implements TransactionalWriter {

    private final InMemoryEventLog log;
    private final String transactionalId;
    private final int epoch;
    private InMemoryTransaction open;
    private boolean closed;

    InMemoryTransactionalWriter(InMemoryEventLog log, String transactionalId, int epoch) {
        this.log = log;
        this.transactionalId = transactionalId;
        this.epoch = epoch;
    }

    @Override
    public String transactionalId() {
        return transactionalId;
    }

    @Override
    public LogTransaction begin() {
        if (closed) {
            throw new IllegalStateException("transactional writer '" + transactionalId + "' is closed");
        }
        log.ensureNewestWriter(transactionalId, epoch);
        if (open != null) {
            throw new IllegalStateException("transactional writer '" + transactionalId
                    + "' already has an open transaction: commit or abort it before beginning another");
        }
        open = new InMemoryTransaction(log, this);
        return open;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (open != null) {
            open.abort();
        }
    }

    int epoch() {
        return epoch;
    }

    /** Called by a transaction when it commits, aborts or fails: the writer may begin the next one. */
    void ended(InMemoryTransaction transaction) {
        if (open == transaction) {
            open = null;
        }
    }

    @Override
    public String toString() {
        return "InMemoryTransactionalWriter[" + transactionalId + ", epoch " + epoch + "]";
    }
}
