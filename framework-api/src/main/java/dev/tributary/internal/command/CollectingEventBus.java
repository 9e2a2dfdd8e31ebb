package dev.tributary.internal.command;

import org.axonframework.common.Registration;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;

import java.util.List;
import java.util.function.Consumer;

/**
 * The event bus a writer hands its aggregates: it only collects what the command being handled applies, so that
 * the writer can append exactly those events to the log. Events reach consumers through the log, never through
 * this bus, so it takes no subscribers.
 */
final class CollectingEventBus implements EventBus {

    private final CommandContext context;

    CollectingEventBus(CommandContext context) {
        this.context = context;
    }

    @Override
    public void publish(List<? extends EventMessage<?>> events) {
        if (!context.active()) {
            throw new IllegalStateException("an aggregate applied " + events.size()
                    + " event(s) outside command handling; apply events only from @CommandHandler methods");
        }
        context.applied(events);
    }

    @Override
    public Registration subscribe(Consumer<List<? extends EventMessage<?>>> eventProcessor) {
        throw new UnsupportedOperationException("aggregate events reach consumers through the log: start a "
                + "Projection or Processor on the aggregate's stream");
    }

    @Override
    public Registration registerDispatchInterceptor(MessageDispatchInterceptor<? super EventMessage<?>> interceptor) {
        throw new UnsupportedOperationException("Tributary's aggregate event bus takes no dispatch interceptors");
    }
}
