package dev.tributary.internal.command;

import dev.tributary.api.GroupStatus;
import dev.tributary.api.Guarantee;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.TributaryBuilder;
import dev.tributary.internal.command.AggregateCatalog.AggregateType;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.KeyPartitioner;
import dev.tributary.spi.LogRecord;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The command side of one Tributary instance: one {@link PartitionWriter} per partition of every aggregate stream,
 * and one {@link CommandStreamConsumer} per aggregate stream that feeds the writers from its command stream.
 *
 * <p><b>Multiple instances.</b> Every instance writes every partition of its aggregate streams. Starting an
 * instance creates each partition's transactional writer ({@code tributary-writer-<stream>-<partition>}), which
 * fences the writers of any older instance on the same log: the older instance's next commit on a partition fails
 * with {@link dev.tributary.api.WriterFencedException}, it refuses further commands for that partition with the same
 * exception, and it leaves the command streams' groups. So the newest instance takes over; run one writing instance
 * per set of aggregate streams and send commands to it (or through command streams, which reach it either way).
 *
 * <p>Thread-safe: {@link #send}, {@link #publish} and {@link #route} may be called from any thread.
 */
public final class CommandRuntime implements CommandRouter, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(CommandRuntime.class);

    /** How long {@link #start()} waits for each writer to take its transactional id. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #close()} waits for queued commands to finish before it gives up on a thread. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final EventLog log;
    private final EventCodec codec;
    private final String instanceId;
    private final AggregateCatalog catalog;
    private final TargetResolver resolver = new TargetResolver();
    private final Map<String, PartitionWriter[]> writers = new LinkedHashMap<>();
    private final List<CommandStreamConsumer> consumers = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Inspects the aggregate classes and prepares one writer per partition; nothing touches the log until
     * {@link #start()}, so an instance that is never started can still {@link #route} commands.
     *
     * @param aggregateStreams each aggregate class and the spec of the stream its events go to; the stream's command
     *                         stream ({@code <stream>-commands}) must exist with the same partition count
     * @throws IllegalArgumentException if a class has no command handler or two classes handle the same command
     */
    public CommandRuntime(EventLog log, EventCodec codec, Map<Class<?>, StreamSpec> aggregateStreams,
                          int cacheSizePerPartition, String instanceId) {
        this.log = Objects.requireNonNull(log, "log");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        if (cacheSizePerPartition < 0) {
            throw new IllegalArgumentException("cacheSizePerPartition must be >= 0, got " + cacheSizePerPartition);
        }
        this.catalog = new AggregateCatalog(aggregateStreams);
        catalog.byStream().forEach((stream, types) -> {
            PartitionWriter[] partitionWriters = new PartitionWriter[types.get(0).partitions()];
            for (int p = 0; p < partitionWriters.length; p++) {
                partitionWriters[p] = new PartitionWriter(log, codec, catalog, resolver, new StreamPartition(stream, p),
                        commandStreamOf(stream), types, cacheSizePerPartition, instanceId);
            }
            writers.put(stream, partitionWriters);
        });
    }

    private static String commandStreamOf(String stream) {
        return stream + TributaryBuilder.COMMAND_STREAM_SUFFIX;
    }

    /** The consumer group in which the writers of an aggregate stream read its command stream. */
    static String writersGroupOf(String stream) {
        return "tributary-writers-" + stream;
    }

    /**
     * Starts every writer, waits until each holds its transactional id (from then on this instance owns every
     * partition, and older instances are fenced), then joins each command stream's group. Each writer indexes its
     * partition on its own thread; commands sent meanwhile wait for it.
     *
     * @throws IllegalStateException if called twice, or if a writer cannot take its transactional id
     * @throws dev.tributary.api.UnknownStreamException if a command stream is missing; nothing is left running
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the command runtime of instance '" + instanceId + "' was already started");
        }
        writers.forEach((stream, partitionWriters) -> {
            CommandStreamConsumer consumer = new CommandStreamConsumer(log, stream, commandStreamOf(stream),
                    partitionWriters, instanceId);
            for (PartitionWriter writer : partitionWriters) {
                writer.attach(consumer);
            }
            consumers.add(consumer);
        });
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        writers.values().forEach(ws -> {
            for (PartitionWriter writer : ws) {
                ready.add(writer.start());
            }
        });
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            close();
            throw new IllegalStateException("a partition writer of instance '" + instanceId
                    + "' could not take its transactional id: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new IllegalStateException("the partition writers of instance '" + instanceId
                    + "' did not take their transactional ids within " + START_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the partition writers", e);
        }
        try {
            consumers.forEach(CommandStreamConsumer::start);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Sends a command to its aggregate's partition writer. The future completes on the writer thread, after the
     * command's events are committed, with the handler's result (a creating constructor yields the aggregate id),
     * or fails with the handler's exception unchanged. It fails, without anything appended, with
     * {@link dev.tributary.api.NoHandlerForCommandException} for a command no aggregate handles or without a target
     * id, with {@link dev.tributary.api.WriterFencedException} once a newer instance owns the partition, and with
     * {@link IllegalStateException} once this instance is closed. Dependent stages run on the writer thread unless
     * added with an {@code *Async} method: keep them short.
     *
     * @param command a command payload, or an Axon {@link CommandMessage} to keep its name and metadata
     */
    public <R> CompletableFuture<R> send(Object command, Map<String, ?> metaData) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException());
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        try {
            CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command).andMetaData(metaData);
            AggregateType<?> type = catalog.handlerOf(message);
            String targetId = resolver.targetId(message);
            int partition = KeyPartitioner.partitionFor(targetId, type.partitions());
            writers.get(type.stream())[partition].submit(new WriterTask.Direct(message, type, targetId, result));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<R> typed = (CompletableFuture<R>) result;
        return typed;
    }

    /**
     * Appends an event to the partition of {@code key} in {@code stream}. Every failure, an unknown stream
     * ({@link dev.tributary.api.UnknownStreamException}) included, fails the future rather than being thrown, as
     * {@link #send} does.
     */
    public CompletableFuture<Void> publish(String stream, String key, Object event, Map<String, ?> metaData) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException());
        }
        try {
            StreamPartition partition = log.partitionFor(stream, key);
            LogRecord record = codec.encodeEvent(key, event, metaData);
            return log.append(partition, List.of(record)).thenApply(offsets -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The status of the group in which this instance's writers read an aggregate stream's command stream,
     * {@code tributary-writers-<stream>}, as the log has it: every partition of the command stream with the offset the
     * group committed there (each together with its command's events), the end offset, the lag and the owning member.
     * Exactly once, as each command's offset commits in its events' transaction. Works before {@link #start()} and
     * after {@link #close()} too.
     *
     * @return empty if {@code group} is not the writers' group of one of this instance's aggregate streams
     */
    public Optional<GroupStatus> status(String group) {
        Objects.requireNonNull(group, "group");
        for (Map.Entry<String, PartitionWriter[]> stream : writers.entrySet()) {
            if (writersGroupOf(stream.getKey()).equals(group)) {
                return Optional.of(status(group, commandStreamOf(stream.getKey()), stream.getValue().length));
            }
        }
        return Optional.empty();
    }

    private GroupStatus status(String group, String commandStream, int partitionCount) {
        Set<StreamPartition> partitions = new LinkedHashSet<>();
        for (int p = 0; p < partitionCount; p++) {
            partitions.add(new StreamPartition(commandStream, p));
        }
        Map<StreamPartition, Long> committed = log.committedOffsets(group, partitions);
        GroupDescription description = log.describeGroup(group);
        List<PartitionStatus> result = new ArrayList<>(partitionCount);
        for (StreamPartition p : partitions) {
            long end = log.endOffset(p);
            Long stored = committed.get(p);
            long from = stored != null ? stored : log.beginningOffset(p);
            result.add(new PartitionStatus(p, stored != null ? OptionalLong.of(stored) : OptionalLong.empty(), end,
                    Math.max(0, end - from), Optional.ofNullable(description.owners().get(p)), Optional.empty()));
        }
        return new GroupStatus(group, Guarantee.EXACTLY_ONCE, result);
    }

    /** Works whether or not this runtime was started or closed: it only reads the aggregate classes. */
    @Override
    public RoutedCommand route(Object command, Map<String, ?> metaData) {
        Objects.requireNonNull(command, "command");
        CommandMessage<?> message = GenericCommandMessage.asCommandMessage(command)
                .andMetaData(metaData == null ? Map.of() : metaData);
        AggregateType<?> type = catalog.handlerOf(message);
        String targetId = resolver.targetId(message);
        StreamPartition partition = new StreamPartition(commandStreamOf(type.stream()),
                KeyPartitioner.partitionFor(targetId, type.partitions()));
        return new RoutedCommand(partition, codec.encodeCommand(message, targetId));
    }

    /**
     * Refuses new commands, lets the command-stream consumers drain and leave their groups, lets every writer finish
     * the commands already queued, then stops the threads. Idempotent; the log stays open.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Consumers first: leaving a group drains its partitions through the writers, which must still run.
        consumers.forEach(CommandStreamConsumer::stop);
        for (CommandStreamConsumer consumer : consumers) {
            await(consumer::awaitTermination, "a command-stream consumer");
        }
        writers.values().forEach(ws -> {
            for (PartitionWriter writer : ws) {
                writer.stop();
            }
        });
        writers.values().forEach(ws -> {
            for (PartitionWriter writer : ws) {
                await(writer::awaitTermination, "the writer of " + writer.partition());
            }
        });
    }

    private void await(Termination termination, String what) {
        try {
            if (!termination.await(CLOSE_TIMEOUT)) {
                logger.warn("Instance '{}': {} did not stop within {}; leaving it behind", instanceId, what,
                        CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("Tributary instance '" + instanceId + "' is closed: it accepts no more "
                + "commands or events");
    }

    @FunctionalInterface
    private interface Termination {
        boolean await(Duration timeout) throws InterruptedException;
    }
}
