/**
 * What a log backend implements: {@link dev.tributary.spi.EventLog} and the members and writers it hands out.
 *
 * <p>The contract is Kafka's: partitions with offsets that may have gaps, consumer groups with generations and
 * two-step rebalances, transactional units with consumed offsets. Every backend proves it by running the
 * conformance suite in {@code framework-api}'s test-jar through a small fixture class.
 *
 * <p>Promises: source compatibility within a minor version for implementers; additions may come as default
 * methods.
 */
package dev.tributary.spi;
