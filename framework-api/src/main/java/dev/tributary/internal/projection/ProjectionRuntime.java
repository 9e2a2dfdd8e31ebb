package dev.tributary.internal.projection;

import dev.tributary.api.GroupActiveException;
import dev.tributary.api.GroupHandle;
import dev.tributary.api.GroupStatus;
import dev.tributary.api.Processor;
import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.StreamPartition;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.command.CommandRouter;
import dev.tributary.internal.jpa.JpaTransactionManager;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs projections and processors: each start is one member of the projection's consumer group, driven by a worker
 * thread of its own. Starting the same projection twice, here or in another instance, gives two members of one
 * group, which share its partitions. Thread-safe.
 */
public final class ProjectionRuntime implements AutoCloseable {

    private final EventLog log;
    private final EventCodec codec;
    private final String instanceId;
    private final CommandRouter commands;
    private final Map<String, LocalGroup> groups = new HashMap<>();
    private boolean closed;

    public ProjectionRuntime(EventLog log, EventCodec codec, String instanceId, CommandRouter commands) {
        this.log = Objects.requireNonNull(log, "log");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    /**
     * Joins the projection's group and starts consuming.
     *
     * @throws IllegalArgumentException if it was not built by {@code Projection.exactlyOnce(..)} and friends
     * @throws dev.tributary.api.UnknownStreamException if one of its streams does not exist
     */
    public ProjectionHandle start(Projection projection) {
        Objects.requireNonNull(projection, "projection");
        if (!(projection instanceof ExactlyOnceSpec || projection instanceof AtLeastOnceSpec
                || projection instanceof AtMostOnceSpec)) {
            throw new IllegalArgumentException("projection " + projection.getClass().getName()
                    + " was not built by Projection.exactlyOnce(..), atLeastOnce(..) or atMostOnce(..)");
        }
        return (ProjectionHandle) startMember((GroupSpec) projection);
    }

    /** Joins the processor's group and starts consuming. */
    public GroupHandle start(Processor processor) {
        Objects.requireNonNull(processor, "processor");
        if (!(processor instanceof ProcessorSpec spec)) {
            throw new IllegalArgumentException("processor " + processor.getClass().getName()
                    + " was not built by Processor.named(..)");
        }
        return startMember(spec);
    }

    /**
     * The status of a group started here.
     *
     * @throws IllegalArgumentException naming the group if this runtime did not start it
     */
    public GroupStatus status(String group) {
        Objects.requireNonNull(group, "group");
        LocalGroup local;
        synchronized (this) {
            local = groups.get(group);
        }
        if (local == null) {
            throw new IllegalArgumentException("group '" + group + "' was not started by this instance; started here: "
                    + startedGroups());
        }
        return local.status();
    }

    /** Stops every member started here: each finishes its batch in flight, commits and leaves its group. */
    @Override
    public void close() {
        List<MemberHandle> members = new ArrayList<>();
        synchronized (this) {
            closed = true;
            groups.values().forEach(g -> members.addAll(g.members()));
        }
        // Signal all first, so that the members finish their batches in parallel rather than one after another.
        members.forEach(m -> m.localGroup().signalStop(m));
        members.forEach(MemberHandle::close);
    }

    private synchronized Set<String> startedGroups() {
        return new TreeSet<>(groups.keySet());
    }

    private MemberHandle startMember(GroupSpec spec) {
        spec.streams().forEach(log::stream); // refuses an unknown stream, naming it
        // Under the lock, so that a concurrent close() either sees the new member or refuses to start it.
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("this runtime was closed; " + spec.kind() + " '" + spec.group()
                        + "' cannot start");
            }
            LocalGroup local = groups.get(spec.group());
            if (local != null && !local.spec().compatibleWith(spec)) {
                if (local.hasMembers()) {
                    throw new IllegalStateException("group '" + spec.group() + "' already runs here as a "
                            + local.spec().kind() + " over streams " + new TreeSet<>(local.spec().streams())
                            + "; another member must be the same kind, over the same streams"
                            + (spec instanceof ExactlyOnceSpec ? " and the same EntityManagerFactory" : ""));
                }
                local = null;
            }
            if (local == null) {
                local = newGroup(spec);
                groups.put(spec.group(), local);
            }
            return local.start(spec);
        }
    }

    private LocalGroup newGroup(GroupSpec spec) {
        if (spec instanceof ExactlyOnceSpec exactlyOnce) {
            JpaTransactionManager transactions = new JpaTransactionManager(exactlyOnce.entityManagerFactory());
            OffsetTable table = new OffsetTable(transactions, spec.group(), codec.clock());
            table.createIfMissing();
            return new LocalGroup(spec, log,
                    partitions -> only(table.read(), partitions),
                    (offsets, partitions) -> {
                        GroupDescription description = log.describeGroup(spec.group());
                        Set<String> others = new HashSet<>(description.owners().values());
                        if (!others.isEmpty()) {
                            throw new GroupActiveException(spec.group(), others.size());
                        }
                        table.reset(exactlyOnce.readModelReset(), offsets, partitions, description.generation());
                    },
                    (s, slot) -> new ExactlyOnceWorker((ExactlyOnceSpec) s, log, codec, threadName(s, slot),
                            transactions, table));
        }
        Runnable readModelReset = spec instanceof AtLeastOnceSpec a ? a.readModelReset()
                : spec instanceof AtMostOnceSpec a ? a.readModelReset() : () -> { };
        return new LocalGroup(spec, log,
                partitions -> log.committedOffsets(spec.group(), partitions),
                (offsets, partitions) -> {
                    log.resetCommittedOffsets(spec.group(), offsets);
                    readModelReset.run();
                },
                (s, slot) -> s instanceof ProcessorSpec processor
                        ? new ProcessorWorker(processor, log, codec, threadName(s, slot), commands,
                        "tributary-processor-" + s.group() + "-" + instanceId + "-" + slot)
                        : new LogOffsetWorker(s, log, codec, threadName(s, slot)));
    }

    private String threadName(GroupSpec spec, int slot) {
        return "tributary-" + spec.group() + "-" + instanceId + "-" + slot;
    }

    private static Map<StreamPartition, Long> only(Map<StreamPartition, Long> offsets, Set<StreamPartition> partitions) {
        Map<StreamPartition, Long> result = new HashMap<>(offsets);
        result.keySet().retainAll(partitions);
        return result;
    }
}
