/**
 * Projections and processors: the builders behind {@code Projection.exactlyOnce(..)} and friends, and the runtime
 * that runs each started one as a consumer-group member on a worker thread of its own. Internal: no promises.
 *
 * <p>One worker polls, handles a batch and commits, then polls again; a handler that blocks stops the polling, so
 * the log evicts the member after its poll timeout and gives its partitions to others. Exactly-once projections keep
 * their offsets in table {@code tributary_offsets} of the read-model database, claimed per partition by group
 * generation; the other guarantees keep theirs in the log; processors commit outputs and offsets in one log
 * transaction.
 */
package dev.tributary.internal.projection;
