package dev.tributary.internal.command;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.GenericAggregateFactory;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.modelling.command.AbstractRepository;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.inspection.AggregateModel;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Axon's repository for one aggregate type in one partition, over the partition writer's {@link AggregateStore}:
 * a live aggregate comes from the store, a missing one is rebuilt by replaying its events from the log through its
 * {@code @EventSourcingHandler}s, as Axon's {@code EventSourcingRepository} does over an event store. Saving only
 * checks: the writer appends the collected events itself, in the partition's log transaction. Confined to the
 * writer thread, inside the command's unit of work.
 */
final class PartitionRepository<T> extends AbstractRepository<T, EventSourcedAggregate<T>> {

    private final AggregateStore store;
    private final CommandContext context;
    private final EventBus eventBus;
    private final GenericAggregateFactory<T> factory;

    PartitionRepository(Class<T> type, AggregateModel<T> model, AggregateStore store, CommandContext context,
                        EventBus eventBus) {
        super(new Builder<>(type, model));
        this.store = store;
        this.context = context;
        this.eventBus = eventBus;
        this.factory = new GenericAggregateFactory<>(model);
    }

    @Override
    protected EventSourcedAggregate<T> doCreateNew(Callable<T> factoryMethod) throws Exception {
        EventSourcedAggregate<T> aggregate = EventSourcedAggregate.initialize(factoryMethod, aggregateModel(), eventBus,
                NoSnapshotTriggerDefinition.TRIGGER);
        context.created(aggregate);
        return aggregate;
    }

    @Override
    protected EventSourcedAggregate<T> doLoad(String aggregateIdentifier, Long expectedVersion) {
        EventSourcedAggregate<?> live = store.live(aggregateIdentifier);
        EventSourcedAggregate<T> aggregate = live != null ? typed(aggregateIdentifier, live) : rebuild(aggregateIdentifier);
        if (aggregate.isDeleted()) {
            throw new AggregateDeletedException(aggregateIdentifier);
        }
        context.loaded(aggregate);
        return aggregate;
    }

    @Override
    protected EventSourcedAggregate<T> doLoadOrCreate(String aggregateIdentifier, Callable<T> factoryMethod)
            throws Exception {
        return store.exists(aggregateIdentifier) ? doLoad(aggregateIdentifier, null) : doCreateNew(factoryMethod);
    }

    @Override
    protected void doSave(EventSourcedAggregate<T> aggregate) {
        String id = aggregate.identifierAsString();
        if (!id.equals(context.targetId())) {
            // The command was routed, and its events would be appended, by the target id: any other id would
            // put this aggregate's events in a partition whose writer does not know it.
            throw new IllegalStateException("command '" + context.commandName() + "' targets aggregate '"
                    + context.targetId() + "' but its handler produced aggregate '" + id + "': a creating command's "
                    + "@TargetAggregateIdentifier must hold the new aggregate's id");
        }
        if (context.isCreated(aggregate) && store.exists(id)) {
            throw new AggregateStreamCreationException("Cannot reuse aggregate identifier [" + id
                    + "] to create aggregate [" + aggregate.type() + "] since identifiers need to be unique.");
        }
    }

    @Override
    protected void doDelete(EventSourcedAggregate<T> aggregate) {
        // Deleting is an event like any other: the aggregate's deletion is replayed from its events.
        doSave(aggregate);
    }

    /**
     * Rebuilds the aggregate from its events in the log ahead of the command that needs it, which then finds it live:
     * how the writer keeps reads out of its open transactions.
     *
     * @throws RuntimeException whatever loading it in the command would have thrown
     */
    void preload(String aggregateIdentifier) {
        store.loaded(aggregateIdentifier, rebuild(aggregateIdentifier));
    }

    private EventSourcedAggregate<T> rebuild(String aggregateIdentifier) {
        List<DomainEventMessage<?>> events = store.events(aggregateIdentifier);
        if (events.isEmpty()) {
            throw new AggregateNotFoundException(aggregateIdentifier, "The aggregate was not found in the event store");
        }
        T root = factory.createAggregateRoot(aggregateIdentifier, events.get(0));
        EventSourcedAggregate<T> aggregate = EventSourcedAggregate.initialize(root, aggregateModel(), eventBus,
                NoSnapshotTriggerDefinition.TRIGGER);
        aggregate.initializeState(DomainEventStream.of(events));
        long expected = store.lastSequence(aggregateIdentifier);
        if (aggregate.version() == null || aggregate.version() != expected) {
            throw new IllegalStateException("replaying aggregate '" + aggregateIdentifier + "' ended at sequence "
                    + aggregate.version() + " but its last event in the log has sequence " + expected);
        }
        return aggregate;
    }

    private EventSourcedAggregate<T> typed(String aggregateIdentifier, EventSourcedAggregate<?> live) {
        if (!getAggregateType().isAssignableFrom(live.rootType())) {
            throw new IllegalStateException("aggregate '" + aggregateIdentifier + "' is a " + live.rootType().getName()
                    + ", not a " + getAggregateType().getName() + ": aggregate ids must be unique within a stream");
        }
        @SuppressWarnings("unchecked")
        EventSourcedAggregate<T> typed = (EventSourcedAggregate<T>) live;
        return typed;
    }

    private static final class Builder<T> extends AbstractRepository.Builder<T> {

        Builder(Class<T> type, AggregateModel<T> model) {
            super(type);
            aggregateModel(model);
        }
    }
}
