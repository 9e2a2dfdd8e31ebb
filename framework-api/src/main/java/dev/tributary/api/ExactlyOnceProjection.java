package dev.tributary.api;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A projection whose read-model writes and offsets commit in ONE database transaction. Offsets live in the
 * read-model database, in table {@code tributary_offsets} keyed by (group, stream, partition), with the owning
 * member's generation: a batch whose partition was revoked while in flight cannot commit.
 */
public interface ExactlyOnceProjection extends Projection {

    @Override
    default Guarantee guarantee() {
        return Guarantee.EXACTLY_ONCE;
    }

    /** Builds an {@link ExactlyOnceProjection}. Each option may be set once; bad values are refused by name. */
    interface Builder {

        /** The streams to consume; at least one. */
        Builder streams(String... streams);

        /**
         * Objects with Axon {@code @EventHandler} methods. A method's first parameter is the payload; it may also take
         * an {@link EntityManager}, an {@link Event}, and anything Axon resolves ({@code MetaData},
         * {@code @MetaDataValue}, {@code @Timestamp}, {@code @SequenceNumber}, ...). Events no method accepts are
         * skipped (their offsets still advance).
         */
        Builder eventHandlers(Object... annotatedHandlers);

        /** A lambda instead of annotated handlers; it sees every event. */
        Builder handler(ExactlyOnceHandler handler);

        /** The read-model database; the offsets table is created in it if missing. */
        Builder entityManagerFactory(EntityManagerFactory entityManagerFactory);

        /** At most this many events per transaction; default 500. */
        Builder maxBatchSize(int maxBatchSize);

        /** Under load, wait up to this long to fill a batch; a lone event never waits. Default 20 ms. */
        Builder maxBatchWait(Duration maxBatchWait);

        Builder retry(RetryPolicy retryPolicy);

        /** Empties the read model for a replay; runs in the same transaction as the offset reset. */
        Builder readModelReset(Consumer<EntityManager> reset);

        ExactlyOnceProjection build();
    }
}
