package dev.tributary.bench;

import jakarta.persistence.EntityManager;
import org.hibernate.Session;
import org.hibernate.resource.transaction.spi.TransactionStatus;

import java.util.concurrent.CompletableFuture;

/**
 * Tells the moment the read-model transaction that applied one chosen reading committed. It hooks the transaction's
 * completion rather than polling the database, because polling would add its own interval to the lag it measures
 * and take a core from the projection on a small machine. A batch that rolls back and is handled again registers
 * again; only a commit counts.
 */
public final class CommitProbe {

    public static final CommitProbe NONE = new CommitProbe();

    private volatile long awaited = -1;
    private volatile CompletableFuture<Long> committed = new CompletableFuture<>();

    /** Completes with {@link System#nanoTime()} at the commit of the reading with this sequence number. */
    public CompletableFuture<Long> expect(long sequence) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        committed = future;
        awaited = sequence;
        return future;
    }

    /** Called by the handler, inside the batch's transaction. */
    public void handled(Reading reading, EntityManager em) {
        if (this == NONE || reading.sequence() != awaited) {
            return;
        }
        CompletableFuture<Long> future = committed;
        em.unwrap(Session.class).getTransaction().runAfterCompletion(status -> {
            if (status == TransactionStatus.COMMITTED) {
                future.complete(System.nanoTime());
            }
        });
    }
}
