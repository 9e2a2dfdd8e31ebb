/**
 * The command side: {@link dev.tributary.internal.command.CommandRuntime} and the writers behind it. Internal: no
 * promises.
 *
 * <p>Every partition of an aggregate stream has one writer thread. It handles the partition's commands one after
 * another through Axon (Axon's {@code AggregateAnnotationCommandHandler} over a repository of the partition, one
 * unit of work per command) and appends the events each command applied, with their aggregate headers, in a log
 * transaction of its own transactional id; commands already waiting share one transaction (group commit), and each
 * sender's future completes after it commits. The writer indexes its partition once when it starts (aggregate id to
 * last sequence number and event offsets, from headers alone), keeps a bounded LRU of live aggregates, and rebuilds a
 * missing one by replaying its events, before the transaction of its command opens: no transaction waits on a read
 * of the log, and none takes commands for longer than a fixed time budget, so that none outlives the log's
 * transaction timeout. A failed command or commit evicts what it touched, so live state never runs ahead of the log.
 *
 * <p>Commands on {@code <stream>-commands} are polled by group {@code tributary-writers-<stream>} and handed to the
 * writer of the same partition, which commits each command's offset in the transaction that appends its events.
 * {@code CommandRuntime.status} reports that group's offsets, and so how many commands wait.
 *
 * <p>Not supported inside aggregates: {@code AggregateLifecycle.createNew} (another aggregate lives in another
 * writer's partition), snapshots, and deadlines.
 */
package dev.tributary.internal.command;
