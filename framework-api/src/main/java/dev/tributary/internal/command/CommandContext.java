package dev.tributary.internal.command;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What the command being handled on a writer thread has done so far: the events its aggregate applied and the
 * aggregates it loaded or created. One per writer, reused for each command; confined to the writer thread.
 */
final class CommandContext {

    private final List<EventMessage<?>> events = new ArrayList<>();
    private final List<EventSourcedAggregate<?>> touched = new ArrayList<>();
    private final Set<EventSourcedAggregate<?>> created = Collections.newSetFromMap(new IdentityHashMap<>());
    private String commandName;
    private String targetId;

    void begin(String commandName, String targetId) {
        this.commandName = commandName;
        this.targetId = targetId;
        events.clear();
        touched.clear();
        created.clear();
    }

    void end() {
        commandName = null;
        targetId = null;
    }

    boolean active() {
        return commandName != null;
    }

    String commandName() {
        return commandName;
    }

    String targetId() {
        return targetId;
    }

    void applied(List<? extends EventMessage<?>> applied) {
        events.addAll(applied);
    }

    List<EventMessage<?>> events() {
        return events;
    }

    void loaded(EventSourcedAggregate<?> aggregate) {
        touched.add(aggregate);
    }

    void created(EventSourcedAggregate<?> aggregate) {
        touched.add(aggregate);
        created.add(aggregate);
    }

    boolean isCreated(EventSourcedAggregate<?> aggregate) {
        return created.contains(aggregate);
    }

    List<EventSourcedAggregate<?>> touched() {
        return touched;
    }
}
