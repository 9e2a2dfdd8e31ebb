package dev.tributary.api;

import dev.tributary.internal.projection.ProjectionBuilders;

import java.time.Duration;
import java.util.Set;

/**
 * A consumer group that turns events into new events or commands, exactly once: the emitted records and the
 * consumed offsets commit in one log transaction. Start one with {@link Tributary#start(Processor)}.
 */
public interface Processor {

    String group();

    Set<String> streams();

    static Builder named(String group) {
        return ProjectionBuilders.processor(group);
    }

    /** Builds a {@link Processor}. Each option may be set once; bad values are refused by name. */
    interface Builder {

        Builder streams(String... streams);

        /** Objects with Axon {@code @EventHandler} methods taking the payload and an {@link Emitter}. */
        Builder eventHandlers(Object... annotatedHandlers);

        Builder handler(ProcessorFunction handler);

        Builder maxBatchSize(int maxBatchSize);

        Builder maxBatchWait(Duration maxBatchWait);

        Builder retry(RetryPolicy retryPolicy);

        Processor build();
    }
}
