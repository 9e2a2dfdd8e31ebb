package dev.tributary.conformance.command;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A second aggregate type, on a stream of its own, to show that each command reaches the type that handles it. */
public class TestCounter {

    @AggregateIdentifier
    private String counterId;
    private long value;

    protected TestCounter() {
    }

    @CommandHandler
    public TestCounter(CreateCounter command) {
        apply(new CounterCreated(command.counterId()));
    }

    /** @return the value after the increment */
    @CommandHandler
    public long handle(Increment command) {
        apply(new Incremented(counterId));
        return value;
    }

    @EventSourcingHandler
    void on(CounterCreated event) {
        counterId = event.counterId();
    }

    @EventSourcingHandler
    void on(Incremented event) {
        value++;
    }

    public record CreateCounter(@TargetAggregateIdentifier String counterId) {
    }

    public record Increment(@TargetAggregateIdentifier String counterId) {
    }

    public record CounterCreated(String counterId) {
    }

    public record Incremented(String counterId) {
    }
}
