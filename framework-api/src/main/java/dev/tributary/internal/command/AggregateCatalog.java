package dev.tributary.internal.command;

import dev.tributary.api.NoHandlerForCommandException;
import dev.tributary.api.StreamSpec;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandMessageHandlingMember;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registered aggregate types and which of them handles which command, read from their Axon annotations once at
 * build time. Immutable, so thread-safe.
 */
final class AggregateCatalog {

    /**
     * One registered aggregate type.
     *
     * @param type         the aggregate class
     * @param stream       the stream its events go to
     * @param partitions   that stream's partition count (its command stream has the same)
     * @param model        Axon's model of the class: handlers, identifier, event sourcing handlers
     * @param commandNames the command names its {@code @CommandHandler}s accept, entities included
     */
    record AggregateType<T>(Class<T> type, String stream, int partitions, AggregateModel<T> model,
                            Set<String> commandNames) {

        static <T> AggregateType<T> inspect(Class<T> type, StreamSpec stream) {
            AggregateModel<T> model = AnnotatedAggregateMetaModelFactory.inspectAggregate(type);
            // The same members AggregateAnnotationCommandHandler registers: every command handler of the aggregate
            // and of its @AggregateMember entities, constructors included.
            Set<String> names = new LinkedHashSet<>();
            model.allCommandHandlers().values().stream()
                    .flatMap(List::stream)
                    .map(handler -> handler.unwrap(CommandMessageHandlingMember.class))
                    .flatMap(Optional::stream)
                    .forEach(handler -> names.add(handler.commandName()));
            return new AggregateType<>(type, stream.name(), stream.partitions(), model,
                    Collections.unmodifiableSet(names));
        }
    }

    private final List<AggregateType<?>> types;
    private final Map<String, AggregateType<?>> byCommandName;

    AggregateCatalog(Map<Class<?>, StreamSpec> aggregateStreams) {
        List<AggregateType<?>> inspected = new ArrayList<>();
        Map<String, AggregateType<?>> byName = new HashMap<>();
        aggregateStreams.forEach((type, stream) -> {
            AggregateType<?> aggregate = AggregateType.inspect(type, stream);
            if (aggregate.commandNames().isEmpty()) {
                throw new IllegalArgumentException("aggregate " + type.getName()
                        + " has no @CommandHandler: nothing could ever change it");
            }
            for (String name : aggregate.commandNames()) {
                AggregateType<?> previous = byName.putIfAbsent(name, aggregate);
                if (previous != null) {
                    throw new IllegalArgumentException("command '" + name + "' is handled by both "
                            + previous.type().getName() + " and " + type.getName()
                            + ": a command must have exactly one aggregate type");
                }
            }
            inspected.add(aggregate);
        });
        this.types = List.copyOf(inspected);
        this.byCommandName = Map.copyOf(byName);
    }

    List<AggregateType<?>> types() {
        return types;
    }

    /** The aggregate streams with the aggregate types writing to each, in registration order. */
    Map<String, List<AggregateType<?>>> byStream() {
        Map<String, List<AggregateType<?>>> streams = new LinkedHashMap<>();
        types.forEach(t -> streams.computeIfAbsent(t.stream(), s -> new ArrayList<>()).add(t));
        return streams;
    }

    /** @throws NoHandlerForCommandException naming the command if no registered aggregate type handles it */
    AggregateType<?> handlerOf(CommandMessage<?> command) {
        AggregateType<?> type = byCommandName.get(command.getCommandName());
        if (type == null) {
            throw new NoHandlerForCommandException("no registered aggregate handles command '"
                    + command.getCommandName() + "'" + (command.getCommandName().equals(command.getPayloadType().getName())
                    ? "" : " (payload " + command.getPayloadType().getName() + ")")
                    + ": register the aggregate whose @CommandHandler takes it with Tributary.Builder.aggregate(..)");
        }
        return type;
    }
}
