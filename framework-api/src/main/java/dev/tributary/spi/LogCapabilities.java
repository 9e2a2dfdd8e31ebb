package dev.tributary.spi;

/**
 * Where backends may legitimately differ, each declares its answer here and the conformance suite asserts it.
 *
 * @param transactionMarkersTakeOffsets whether a committed transaction leaves a gap of at least one offset per
 *                                      partition it wrote (Kafka: yes)
 * @param durable                       whether entries survive the process (memory: no)
 */
public record LogCapabilities(boolean transactionMarkersTakeOffsets, boolean durable) {
}
