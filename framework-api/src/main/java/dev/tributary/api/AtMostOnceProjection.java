package dev.tributary.api;

import java.time.Duration;

/**
 * A projection with a read model of its own choosing. Offsets are saved in the log before each batch is handled: a crash skips the batch in flight, never repeats it.
 */
public interface AtMostOnceProjection extends Projection {

    @Override
    default Guarantee guarantee() {
        return Guarantee.AT_MOST_ONCE;
    }

    /** Builds an {@link AtMostOnceProjection}. Each option may be set once; bad values are refused by name. */
    interface Builder {

        /** The streams to consume; at least one. */
        Builder streams(String... streams);

        /** Objects with Axon {@code @EventHandler} methods; the first parameter is the payload. */
        Builder eventHandlers(Object... annotatedHandlers);

        /** A lambda instead of annotated handlers; it sees every event. */
        Builder handler(EventHandlerFunction handler);

        /** At most this many events per batch; default 500. */
        Builder maxBatchSize(int maxBatchSize);

        /** Under load, wait up to this long to fill a batch; a lone event never waits. Default 20 ms. */
        Builder maxBatchWait(Duration maxBatchWait);

        Builder retry(RetryPolicy retryPolicy);

        /** Empties the read model before a replay, after the group's offsets were reset. */
        Builder readModelReset(Runnable reset);

        AtMostOnceProjection build();
    }
}
