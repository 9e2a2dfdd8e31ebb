package dev.tributary.internal.command;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.WriterFencedException;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.command.AggregateCatalog.AggregateType;
import dev.tributary.internal.command.AggregateStore.AppendedEvent;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.KeyPartitioner;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.TransactionalWriter;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandMessageHandler;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateAnnotationCommandHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one writer of one aggregate-stream partition: a thread that handles the partition's commands one after
 * another through Axon, and appends each command's events (and, for commands read from the command stream, the
 * consumed offset) in a transaction of its own transactional id, {@code tributary-writer-<stream>-<partition>}.
 *
 * <p><b>Group commit.</b> Commands already waiting when the writer turns to its queue share one log transaction,
 * which keeps every command all-or-nothing (the transaction is) while paying one commit for many commands. Each
 * sender's future completes only after that commit. A command whose handler throws ends the transaction early:
 * its aggregate may hold half-applied state, so the writer commits the commands before it, then evicts it, and the
 * next command rebuilds it from the log.
 *
 * <p><b>No reads inside a transaction.</b> A transaction is open from its first append to its commit, and a log may
 * abort one that stays open too long: Kafka's broker does after {@code transaction.timeout.ms}, and bumps the
 * producer's epoch, so the commit then fails as if a newer writer had fenced this one. A transaction's open time must
 * therefore follow from its handlers' time, not from the log's: before a group's transaction opens, the writer
 * rebuilds every aggregate that the group's commands will load (the first command may load its own, as nothing is
 * open yet when it runs), and a group takes no more commands once {@link #GROUP_BUDGET} is spent.
 *
 * <p><b>Fencing.</b> When a commit fails with {@link WriterFencedException}, another instance took the partition
 * over: the writer fails that transaction's commands with it, refuses every later command with a new
 * {@link WriterFencedException}, and tells the command-stream consumer to leave the group.
 */
final class PartitionWriter {

    private static final Logger logger = LoggerFactory.getLogger(PartitionWriter.class);

    /** The most commands one transaction takes; bounds the work redone after a failed commit. */
    static final int MAX_BATCH = 512;
    /**
     * How long a group spends loading its aggregates before its transaction opens, and then how long it keeps taking
     * commands: each ends the group early once spent, so that a transaction stays open for about this long plus one
     * command's handler: seconds below a log's transaction timeout, however many commands wait.
     */
    static final Duration GROUP_BUDGET = Duration.ofMillis(500);

    /** Command metadata becomes every applied event's metadata, as Axon's correlation data providers do. */
    private static final CorrelationDataProvider COMMAND_METADATA = Message::getMetaData;

    private final EventLog log;
    private final EventCodec codec;
    private final AggregateCatalog catalog;
    private final TargetResolver resolver;
    private final StreamPartition partition;
    private final StreamPartition commandPartition;
    private final String transactionalId;
    private final String instanceId;
    private final AggregateStore store;
    private final CommandContext context = new CommandContext();
    private final Map<Class<?>, CommandMessageHandler> handlers = new HashMap<>();
    private final Map<Class<?>, PartitionRepository<?>> repositories = new HashMap<>();
    private final LinkedBlockingQueue<WriterTask> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread thread;

    private CommandStreamConsumer consumer;
    private volatile boolean terminated;
    private volatile WriterFencedException fencedBy;

    // Writer thread only.
    private TransactionalWriter writer;
    private int haltedEpoch = -1;

    PartitionWriter(EventLog log, EventCodec codec, AggregateCatalog catalog, TargetResolver resolver,
                    StreamPartition partition, String commandStream, List<AggregateType<?>> types,
                    int cacheSize, String instanceId) {
        this.log = log;
        this.codec = codec;
        this.catalog = catalog;
        this.resolver = resolver;
        this.partition = partition;
        this.commandPartition = new StreamPartition(commandStream, partition.partition());
        this.transactionalId = "tributary-writer-" + partition.stream() + "-" + partition.partition();
        this.instanceId = instanceId;
        this.store = new AggregateStore(log, codec, partition, cacheSize);
        CollectingEventBus eventBus = new CollectingEventBus(context);
        types.forEach(type -> handlers.put(type.type(), handlerFor(type, eventBus)));
        this.thread = new Thread(this::run, transactionalId + "@" + instanceId);
        this.thread.setDaemon(true);
    }

    private <T> CommandMessageHandler handlerFor(AggregateType<T> type, CollectingEventBus eventBus) {
        PartitionRepository<T> repository = new PartitionRepository<>(type.type(), type.model(), store, context,
                eventBus);
        repositories.put(type.type(), repository);
        return AggregateAnnotationCommandHandler.<T>builder()
                .aggregateModel(type.model())
                .repository(repository)
                .commandTargetResolver(resolver)
                .build();
    }

    StreamPartition partition() {
        return partition;
    }

    /** Sets the consumer that feeds this writer from the command stream; before {@link #start()}. */
    void attach(CommandStreamConsumer consumer) {
        this.consumer = consumer;
    }

    /** Starts the thread; the returned future completes once this writer holds its transactional id. */
    CompletableFuture<Void> start() {
        thread.start();
        return ready;
    }

    /** Queues a task; a writer that stopped settles it at once, and so does a fenced one a command. Thread-safe. */
    void submit(WriterTask task) {
        if (terminated || (fencedBy != null && task instanceof WriterTask.Direct)) {
            reject(task);
            return;
        }
        queue.add(task);
        // The writer may have drained its queue for the last time between the check and the add; whoever removes
        // the task settles it, so it is settled exactly once.
        if (terminated && queue.remove(task)) {
            reject(task);
        }
    }

    /** Completes once every task queued before it is done. Thread-safe. */
    CompletableFuture<Void> barrier() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new WriterTask.Barrier(done));
        return done;
    }

    /** Finishes the queued tasks, then stops. Thread-safe. */
    void stop() {
        submit(new WriterTask.Stop());
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (thread.getState() == Thread.State.NEW) {
            return true;
        }
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    private void run() {
        try {
            writer = log.transactionalWriter(transactionalId);
        } catch (RuntimeException e) {
            ready.completeExceptionally(e);
            terminate();
            return;
        }
        ready.complete(null);
        try {
            store.buildIndex();
        } catch (RuntimeException e) {
            logger.warn("Writer {} could not index {} yet; it retries before its next command", transactionalId,
                    partition, e);
        }
        List<WriterTask> batch = new ArrayList<>(MAX_BATCH);
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                stop = process(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(this::reject);
                stop = true;
            } catch (RuntimeException e) {
                // A defect outside any command: keep the partition writable rather than lose its only thread, and
                // answer every sender of the batch (completing an answered future again does nothing).
                logger.error("Writer {} failed outside command handling", transactionalId, e);
                store.discardPending();
                for (WriterTask task : batch) {
                    if (task instanceof WriterTask.Direct direct) {
                        direct.result().completeExceptionally(e);
                    }
                }
            } finally {
                batch.clear();
            }
        }
        terminate();
    }

    /** @return whether the writer must stop */
    private boolean process(List<WriterTask> batch) {
        // Decoded once per batch: a batch may take several transactions.
        List<Routed> routed = new ArrayList<>(batch.size());
        batch.forEach(task -> routed.add(route(task)));
        int i = 0;
        while (i < batch.size()) {
            WriterTask task = batch.get(i);
            if (task instanceof WriterTask.Stop) {
                // Only a sender racing close() can have queued behind the stop.
                batch.subList(i + 1, batch.size()).forEach(this::reject);
                return true;
            }
            if (task instanceof WriterTask.Barrier barrier) {
                barrier.done().complete(null);
                i++;
            } else if (fencedBy != null) {
                reject(task);
                i++;
            } else {
                i = runUnit(routed, i);
            }
        }
        return false;
    }

    /**
     * Handles the commands from {@code start} that share a source (direct sends, or one group generation and epoch
     * of the command stream) in one transaction, after loading their aggregates; stops early after a rejected
     * command or when {@link #GROUP_BUDGET} is spent.
     *
     * @return the index of the first task not handled
     */
    private int runUnit(List<Routed> batch, int start) {
        Unit unit = new Unit(sourceOf(batch.get(start).task()));
        int end = start;
        while (end < batch.size() && Objects.equals(unit.source, sourceOf(batch.get(end).task()))) {
            end++;
        }
        int next = start;
        try {
            if (!store.indexed()) {
                store.buildIndex();
            }
            int stop = preload(batch, start, end);
            long deadline = System.nanoTime() + GROUP_BUDGET.toNanos();
            while (next < stop) {
                boolean rejected = handle(batch.get(next++), unit);
                if (rejected || System.nanoTime() - deadline >= 0) {
                    break;
                }
            }
            unit.commit();
        } catch (WriterFencedException e) {
            unit.failed(e);
            fenced(e);
        } catch (PartitionFencedException e) {
            // A rebalance moved the command partition on since these commands were polled: routine, and they are
            // read again by whoever owns it now.
            logger.info("Writer {} dropped {} command(s) from {}: {}", transactionalId, unit.size(), commandPartition,
                    e.getMessage());
            unit.failed(e);
        } catch (RuntimeException e) {
            if (next == start) {
                // Indexing failed before any command ran: the whole run of tasks fails with it.
                batch.subList(start, end).forEach(routed -> unit.add(routed.task()));
                next = end;
            }
            logger.warn("Writer {} could not write {} command(s) to {}", transactionalId, unit.size(), partition, e);
            unit.failed(e);
        }
        return next;
    }

    private static Object sourceOf(WriterTask task) {
        if (task instanceof WriterTask.Direct) {
            return WriterTask.Direct.class;
        }
        if (task instanceof WriterTask.Polled polled) {
            return new StreamSource(polled.group(), polled.epoch());
        }
        return task; // barriers and stops stand alone
    }

    /** The command a task carries and its aggregate, or why a command from the stream can never be handled. */
    private Routed route(WriterTask task) {
        if (task instanceof WriterTask.Direct direct) {
            return new Routed(task, direct.command(), direct.type(), direct.targetId(), null);
        }
        if (!(task instanceof WriterTask.FromStream fromStream)) {
            return new Routed(task, null, null, null, null);
        }
        try {
            CommandMessage<?> command = codec.decodeCommand(fromStream.entry());
            AggregateType<?> type = catalog.handlerOf(command);
            String targetId = resolver.targetId(command);
            int owner = KeyPartitioner.partitionFor(targetId, type.partitions());
            if (!type.stream().equals(partition.stream()) || owner != partition.partition()) {
                throw new IllegalArgumentException("its aggregate '" + targetId + "' lives in " + type.stream() + "-"
                        + owner + ", not in " + partition);
            }
            return new Routed(task, command, type, targetId, null);
        } catch (RuntimeException e) {
            return new Routed(task, null, null, null, e);
        }
    }

    /**
     * Rebuilds from the log, before the transaction of the tasks from {@code start} opens, the aggregates their
     * commands will load, except the first command's: nothing is open yet when it runs.
     *
     * @return the end of the group: before {@code end} if the budget ran out or a load failed, so that the command
     *         whose aggregate is not loaded comes first in the next group, where it loads its aggregate itself and
     *         fails exactly as it would have failed alone
     */
    private int preload(List<Routed> batch, int start, int end) {
        long deadline = System.nanoTime() + GROUP_BUDGET.toNanos();
        for (int i = start + 1; i < end; i++) {
            Routed routed = batch.get(i);
            if (routed.command() == null || stale(routed.task()) || !store.needsLoad(routed.targetId())) {
                continue;
            }
            if (System.nanoTime() - deadline >= 0) {
                return i;
            }
            try {
                repositories.get(routed.type().type()).preload(routed.targetId());
            } catch (RuntimeException e) {
                logger.debug("Writer {} could not load aggregate '{}' ahead of its command, which loads it again",
                        transactionalId, routed.targetId(), e);
                return i;
            }
        }
        return end;
    }

    /** Whether a task from the command stream was polled before a rebalance or a rewind of its partition. */
    private boolean stale(WriterTask task) {
        return task instanceof WriterTask.Polled polled
                && (polled.epoch() <= haltedEpoch || !consumer.isCurrent(partition.partition(), polled.epoch()));
    }

    /** @return whether the command was rejected by its handler, which ends the transaction */
    private boolean handle(Routed routed, Unit unit) {
        WriterTask task = routed.task();
        if (task instanceof WriterTask.Direct direct) {
            unit.add(direct);
            ResultMessage<?> result = execute(direct.command(), direct.type(), direct.targetId(), unit);
            unit.outcome(direct, result);
            return result.isExceptional();
        }
        if (stale(task)) {
            // The partition's new position delivers it again.
            consumer.done(partition.partition());
            return false;
        }
        unit.add(task);
        if (!(task instanceof WriterTask.FromStream fromStream)) {
            return false; // an advance over offsets that hold no command: only its offset commits
        }
        long offset = fromStream.entry().offset();
        if (routed.unroutable() != null) {
            // It can never be handled; committing its offset keeps it from blocking the partition forever.
            logger.error("Skipping the command at {}@{}: {}", commandPartition, offset,
                    routed.unroutable().getMessage(), routed.unroutable());
            return false;
        }
        CommandMessage<?> command = routed.command();
        String targetId = routed.targetId();
        ResultMessage<?> result = execute(command, routed.type(), targetId, unit);
        if (result.isExceptional()) {
            // A rejection is the aggregate's answer, not a failure to retry: the offset commits with no events.
            logger.warn("Command {} from {}@{} for aggregate '{}' was rejected; its offset is committed with no events",
                    command.getCommandName(), commandPartition, offset, targetId, result.exceptionResult());
            return true;
        }
        return false;
    }

    /**
     * Runs one command through Axon in its own unit of work. On success its aggregate is pinned and its events are
     * appended to the open transaction; on rejection the aggregate is evicted once the transaction ends.
     */
    private ResultMessage<?> execute(CommandMessage<?> command, AggregateType<?> type, String targetId, Unit unit) {
        context.begin(command.getCommandName(), targetId);
        try {
            List<LogRecord> records = new ArrayList<>();
            List<AppendedEvent> appended = new ArrayList<>();
            DefaultUnitOfWork<CommandMessage<?>> uow = DefaultUnitOfWork.startAndGet(command);
            uow.registerCorrelationDataProvider(COMMAND_METADATA);
            ResultMessage<?> result = uow.executeWithResult(() -> {
                Object value = handlers.get(type.type()).handle(command);
                // Encoding inside the unit of work makes an unserializable event the command's own failure.
                encode(context.events(), records, appended);
                return value;
            });
            if (result.isExceptional()) {
                unit.evictLater(targetId);
                context.touched().forEach(aggregate -> unit.evictLater(aggregate.identifierAsString()));
                if (result.exceptionResult() instanceof AggregateLoadException e) {
                    throw e; // the log failed, not the command: fail the transaction so that it is retried
                }
                return result;
            }
            for (EventSourcedAggregate<?> aggregate : context.touched()) {
                if (aggregate.identifierAsString() != null) {
                    store.pin(aggregate.identifierAsString(), aggregate);
                }
            }
            if (!records.isEmpty()) {
                unit.transaction().append(partition, records);
                unit.appended.addAll(appended);
            }
            return result;
        } finally {
            context.end();
        }
    }

    private void encode(List<EventMessage<?>> events, List<LogRecord> records, List<AppendedEvent> appended) {
        Instant now = codec.clock().instant();
        for (EventMessage<?> event : events) {
            DomainEventMessage<?> domain = (DomainEventMessage<?>) event;
            // Re-stamped with Tributary's clock: Axon stamps events with its own static clock.
            DomainEventMessage<?> stamped = new GenericDomainEventMessage<>(domain.getType(),
                    domain.getAggregateIdentifier(), domain.getSequenceNumber(),
                    new GenericMessage<Object>(domain.getIdentifier(), domain.getPayload(), domain.getMetaData()), now);
            records.add(codec.encode(stamped, domain.getAggregateIdentifier()));
            appended.add(new AppendedEvent(domain.getAggregateIdentifier(), domain.getSequenceNumber()));
        }
    }

    private void fenced(WriterFencedException e) {
        fencedBy = e;
        logger.warn("Writer {} of instance '{}' was fenced: a newer instance writes {} now; this instance refuses its "
                + "commands from here on", transactionalId, instanceId, partition);
        if (consumer != null) {
            consumer.writerFenced(partition);
        }
    }

    /** Settles a task this writer will not run. */
    private void reject(WriterTask task) {
        if (task instanceof WriterTask.Direct direct) {
            direct.result().completeExceptionally(refusal());
        } else if (task instanceof WriterTask.Polled) {
            // Not committed: the partition's next owner handles it.
            consumer.done(partition.partition());
        } else if (task instanceof WriterTask.Barrier barrier) {
            barrier.done().complete(null);
        }
    }

    private RuntimeException refusal() {
        if (fencedBy != null) {
            return new WriterFencedException(transactionalId, "instance '" + instanceId + "' no longer writes "
                    + partition + ": a newer instance took it over, send the command there");
        }
        return new IllegalStateException("Tributary instance '" + instanceId + "' is closed: its writer of "
                + partition + " accepts no more commands");
    }

    private void terminate() {
        terminated = true;
        for (WriterTask task = queue.poll(); task != null; task = queue.poll()) {
            reject(task);
        }
        if (writer != null) {
            try {
                writer.close();
            } catch (RuntimeException e) {
                logger.warn("Closing writer {} failed", transactionalId, e);
            }
        }
    }

    private record StreamSource(GroupMetadata group, int epoch) {
    }

    /**
     * A task with the command it carries and that command's aggregate; no command for an advance, or for a command
     * from the stream that can never be handled ({@code unroutable} says why).
     */
    private record Routed(WriterTask task, CommandMessage<?> command, AggregateType<?> type, String targetId,
                          RuntimeException unroutable) {
    }

    /** One log transaction's worth of commands and what became of each. */
    private final class Unit {

        final Object source;
        final List<WriterTask> tasks = new ArrayList<>();
        final Map<WriterTask.Direct, ResultMessage<?>> outcomes = new HashMap<>();
        final List<AppendedEvent> appended = new ArrayList<>();
        final Set<String> evictions = new LinkedHashSet<>();
        LogTransaction transaction;
        long firstOffset = -1;
        long nextOffset = -1;
        GroupMetadata group;
        int epoch;

        Unit(Object source) {
            this.source = source;
        }

        void add(WriterTask task) {
            tasks.add(task);
            if (task instanceof WriterTask.Polled polled) {
                if (firstOffset < 0) {
                    firstOffset = polled.offset();
                    group = polled.group();
                    epoch = polled.epoch();
                }
                nextOffset = polled.nextOffset();
            }
        }

        int size() {
            return tasks.size();
        }

        void outcome(WriterTask.Direct direct, ResultMessage<?> result) {
            outcomes.put(direct, result);
        }

        void evictLater(String aggregateId) {
            if (aggregateId != null) {
                evictions.add(aggregateId);
            }
        }

        LogTransaction transaction() {
            if (transaction == null) {
                transaction = writer.begin();
            }
            return transaction;
        }

        void commit() {
            if (nextOffset >= 0) {
                transaction().commitOffsets(Map.of(commandPartition, nextOffset), group);
            }
            if (transaction != null) {
                Map<StreamPartition, List<Long>> offsets = transaction.commit();
                store.committed(appended, offsets.getOrDefault(partition, List.of()));
            } else {
                store.committed(List.of(), List.of());
            }
            evictions.forEach(store::evict);
            for (WriterTask task : tasks) {
                if (task instanceof WriterTask.Direct direct) {
                    ResultMessage<?> result = outcomes.get(direct);
                    if (result.isExceptional()) {
                        direct.result().completeExceptionally(result.exceptionResult());
                    } else {
                        direct.result().complete(result.getPayload());
                    }
                } else {
                    consumer.done(partition.partition());
                }
            }
        }

        void failed(RuntimeException cause) {
            if (transaction != null) {
                try {
                    transaction.abort();
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
            store.discardPending();
            evictions.forEach(store::evict);
            for (WriterTask task : tasks) {
                if (task instanceof WriterTask.Direct direct) {
                    ResultMessage<?> result = outcomes.get(direct);
                    // A rejection stands whatever became of the transaction; everything else shares its fate.
                    if (result != null && result.isExceptional()) {
                        direct.result().completeExceptionally(result.exceptionResult());
                    } else {
                        direct.result().completeExceptionally(cause);
                    }
                } else if (task instanceof WriterTask.Polled) {
                    consumer.done(partition.partition());
                }
            }
            if (firstOffset >= 0 && !(cause instanceof WriterFencedException)) {
                // Nothing of this transaction is in the log, its offsets included: read the commands again.
                haltedEpoch = epoch;
                consumer.rewind(partition.partition(), firstOffset, epoch);
            }
        }
    }
}
