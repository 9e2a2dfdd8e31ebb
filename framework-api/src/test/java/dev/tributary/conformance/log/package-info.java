/**
 * The log-level conformance suites: {@link dev.tributary.conformance.log.EventLogConformance} (streams, appends,
 * reads, offsets), {@link dev.tributary.conformance.log.ConsumerGroupConformance} (assignment, rebalances,
 * positions, commits, fencing, administration) and {@link dev.tributary.conformance.log.TransactionConformance}
 * (transactional units, consumed offsets, writer fencing, offset gaps).
 *
 * <p>A backend runs each suite with a subclass of a few lines that returns its
 * {@link dev.tributary.conformance.ConformanceFixture}. The suites never skip: where backends may differ, they assert
 * the answer the fixture declares. Every test opens a fresh log, names its streams, groups and transactional ids
 * with {@link dev.tributary.conformance.ConformanceFixture#unique}, and waits only until its condition holds, for at
 * most about 30 seconds plus twice the fixture's member timeout.
 */
package dev.tributary.conformance.log;
