package dev.tributary.api;

import java.time.Instant;

/**
 * Why a partition of a group stopped: its batch kept failing after every retry. Nothing past {@code offset} was
 * handled or skipped; the partition resumes from there when restarted.
 *
 * @param offset   the first offset of the batch that failed
 * @param attempts how many times it was attempted
 * @param error    the last error's class and message
 * @param cause    the last error
 * @param at       when the partition stopped
 */
public record PartitionFailure(long offset, int attempts, String error, Throwable cause, Instant at) {
}
