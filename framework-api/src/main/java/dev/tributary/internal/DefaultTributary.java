package dev.tributary.internal;

import dev.tributary.api.GroupHandle;
import dev.tributary.api.GroupStatus;
import dev.tributary.api.Processor;
import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.Tributary;
import dev.tributary.internal.command.CommandRuntime;
import dev.tributary.internal.projection.ProjectionRuntime;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

final class DefaultTributary implements Tributary {

    private final CommandRuntime commands;
    private final ProjectionRuntime projections;

    DefaultTributary(CommandRuntime commands, ProjectionRuntime projections) {
        this.commands = commands;
        this.projections = projections;
    }

    @Override
    public <R> CompletableFuture<R> send(Object command) {
        return send(command, Map.of());
    }

    @Override
    public <R> CompletableFuture<R> send(Object command, Map<String, ?> metaData) {
        Objects.requireNonNull(command, "command");
        return commands.send(command, metaData == null ? Map.of() : metaData);
    }

    @Override
    public CompletableFuture<Void> publish(String stream, String key, Object event) {
        return publish(stream, key, event, Map.of());
    }

    @Override
    public CompletableFuture<Void> publish(String stream, String key, Object event, Map<String, ?> metaData) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        return commands.publish(stream, key, event, metaData == null ? Map.of() : metaData);
    }

    @Override
    public ProjectionHandle start(Projection projection) {
        return projections.start(Objects.requireNonNull(projection, "projection"));
    }

    @Override
    public GroupHandle start(Processor processor) {
        return projections.start(Objects.requireNonNull(processor, "processor"));
    }

    @Override
    public GroupStatus status(String group) {
        Objects.requireNonNull(group, "group");
        // The command writers' groups are this instance's too, though no projection or processor started them.
        return commands.status(group).orElseGet(() -> projections.status(group));
    }

    @Override
    public void close() {
        // Consumers first: a processor may still route commands to the writers while it drains.
        projections.close();
        commands.close();
    }
}
