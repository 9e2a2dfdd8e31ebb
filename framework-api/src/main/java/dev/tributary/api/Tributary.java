package dev.tributary.api;

import dev.tributary.internal.TributaryBuilder;
import dev.tributary.spi.EventLog;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point: sends commands to event-sourced aggregates, publishes events, and runs projections and
 * processors over a pluggable {@link EventLog}.
 *
 * <p><b>Commands.</b> A command is routed by its target aggregate id ({@code @TargetAggregateIdentifier}) to the
 * aggregate's partition. Each partition has one writer that handles its commands one after another, so commands
 * for one aggregate never run concurrently. The events the handler applies are appended to the aggregate's
 * stream atomically, then the returned future completes with the handler's result, or with its exception
 * unchanged in type.
 *
 * <p>Thread-safe. Close it to stop every writer, projection and processor it started.
 */
public interface Tributary extends AutoCloseable {

    static Builder builder() {
        return new TributaryBuilder();
    }

    <R> CompletableFuture<R> send(Object command);

    <R> CompletableFuture<R> send(Object command, Map<String, ?> metaData);

    /** Publishes an event from outside any aggregate (a price feed) onto a stream under a key. */
    CompletableFuture<Void> publish(String stream, String key, Object event);

    CompletableFuture<Void> publish(String stream, String key, Object event, Map<String, ?> metaData);

    /** Joins the projection's group and starts consuming. */
    ProjectionHandle start(Projection projection);

    /** Joins the processor's group and starts consuming. */
    GroupHandle start(Processor processor);

    /**
     * The status of a group started by this instance, or of one of its command writers' groups: for each aggregate
     * stream, group {@code tributary-writers-<stream>} reads the stream's command stream ({@code <stream>-commands}),
     * where processors send commands. Its stored offsets are the offsets the group committed in the log, each in the
     * same transaction as its command's events ({@link Guarantee#EXACTLY_ONCE}); so its lag counts the commands not
     * yet handled (an upper bound, as for every group) and drops to zero once every command sent there is handled.
     *
     * @throws IllegalArgumentException naming the group if this instance did not start it and it is not one of this
     *                                  instance's writers' groups
     */
    GroupStatus status(String group);

    @Override
    void close();

    /** Builds a {@link Tributary}. Each single-valued option may be set once; bad values are refused by name. */
    interface Builder {

        /** The log; required. The caller keeps ownership: closing Tributary does not close the log. */
        Builder eventLog(EventLog eventLog);

        /** A stream to create at build time if it is missing; repeatable. */
        Builder stream(StreamSpec stream);

        /**
         * An Axon-annotated aggregate whose events go to {@code stream} (declared with {@link #stream} or already
         * in the log). Its commands travel on {@code <stream>-commands}, created with the same partition count.
         */
        Builder aggregate(Class<?> aggregateType, String stream);

        /** Live aggregates kept per partition writer; a miss rebuilds from the log. Default 10,000. */
        Builder aggregateCacheSize(int aggregatesPerPartition);

        /** The clock that stamps events; default the system UTC clock. */
        Builder clock(Clock clock);

        /**
         * This instance's name, used in member ids and in processors' transactional ids; default a random one.
         * In production give each instance a name that survives its restarts (a host or pod name): a processor
         * restarted under the same name fences its crashed predecessor at once, aborting the transaction the crash
         * left open, whereas under a new name that transaction holds back readers of the processor's output
         * partitions until the log times it out (Kafka's {@code transaction.timeout.ms}). Two live instances must
         * not share a name. Aggregate writers' transactional ids name the partition, not the instance.
         */
        Builder instanceId(String instanceId);

        Tributary build();
    }
}
