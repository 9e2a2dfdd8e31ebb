package dev.tributary.internal.projection;

import dev.tributary.api.RetryPolicy;

import java.time.Duration;

/**
 * How a worker batches and retries.
 *
 * @param maxBatchSize the most events handled and committed together
 * @param maxBatchWait how long to keep polling for more while events keep arriving
 * @param retry        how a failing batch is retried before its partition stops
 */
record BatchSettings(int maxBatchSize, Duration maxBatchWait, RetryPolicy retry) {

    static final int DEFAULT_MAX_BATCH_SIZE = 500;
    static final Duration DEFAULT_MAX_BATCH_WAIT = Duration.ofMillis(20);
}
