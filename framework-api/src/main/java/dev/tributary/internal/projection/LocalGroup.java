package dev.tributary.internal.projection;

import dev.tributary.api.GroupActiveException;
import dev.tributary.api.GroupStatus;
import dev.tributary.api.PartitionFailure;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.ResetPosition;
import dev.tributary.api.StreamPartition;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * This process's members of one consumer group: starts and stops them, replays the group, and reports its status.
 * Thread-safe; membership changes and replays are serialised.
 */
final class LocalGroup {

    /** How often {@link #awaitCaughtUp} looks at the stored offsets. */
    private static final long CAUGHT_UP_POLL_MILLIS = 10;

    private final GroupSpec spec;
    private final EventLog log;
    private final OffsetReader offsets;
    private final GroupReset reset;
    private final BiFunction<GroupSpec, Integer, GroupWorker> workers;
    private final List<MemberHandle> members = new CopyOnWriteArrayList<>();

    LocalGroup(GroupSpec spec, EventLog log, OffsetReader offsets, GroupReset reset,
               BiFunction<GroupSpec, Integer, GroupWorker> workers) {
        this.spec = spec;
        this.log = log;
        this.offsets = offsets;
        this.reset = reset;
        this.workers = workers;
    }

    GroupSpec spec() {
        return spec;
    }

    boolean hasMembers() {
        return !members.isEmpty();
    }

    List<MemberHandle> members() {
        return List.copyOf(members);
    }

    /** Starts another member of the group in this process. */
    synchronized MemberHandle start(GroupSpec memberSpec) {
        int slot = freeSlot();
        GroupWorker worker = workers.apply(memberSpec, slot);
        worker.start();
        MemberHandle handle = memberSpec instanceof ProcessorSpec
                ? new MemberHandle(this, memberSpec, slot, worker)
                : new ProjectionMemberHandle(this, memberSpec, slot, worker);
        members.add(handle);
        return handle;
    }

    /** The lowest slot no live member uses: it keeps a member's transactional id stable across restarts. */
    private int freeSlot() {
        Set<Integer> used = new TreeSet<>();
        members.forEach(m -> used.add(m.slot()));
        int slot = 0;
        while (used.contains(slot)) {
            slot++;
        }
        return slot;
    }

    /** Signals the member's worker to stop, without waiting; {@link #stop} waits. */
    void signalStop(MemberHandle handle) {
        handle.worker().stopAsync();
    }

    synchronized void stop(MemberHandle handle) {
        if (members.remove(handle)) {
            handle.worker().stop();
        }
    }

    /** Stops every member of this process, resets the offsets and the read model, and starts the members again. */
    synchronized void replay(ResetPosition position) {
        Set<StreamPartition> partitions = partitions();
        Map<StreamPartition, Long> named = position instanceof ResetPosition.Offsets o ? validated(o) : null;
        refuseIfOthersConsume();
        List<MemberHandle> stopped = new ArrayList<>(members);
        stopped.forEach(m -> m.worker().stopAsync());
        stopped.forEach(m -> m.worker().stop());
        RuntimeException failure = null;
        try {
            reset.reset(named != null ? named : positions(position, partitions), partitions);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (MemberHandle m : stopped) {
            try {
                GroupWorker worker = workers.apply(m.spec(), m.slot());
                worker.start();
                m.worker(worker);
            } catch (RuntimeException e) {
                members.remove(m);
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Refuses before stopping anything when members elsewhere own partitions: the reset would fail anyway. */
    private void refuseIfOthersConsume() {
        Set<String> others = new HashSet<>(log.describeGroup(spec.group()).owners().values());
        members.forEach(m -> others.remove(m.memberId()));
        if (!others.isEmpty()) {
            throw new GroupActiveException(spec.group(), others.size());
        }
    }

    private Map<StreamPartition, Long> validated(ResetPosition.Offsets position) {
        position.offsets().keySet().forEach(p -> {
            if (!spec.streams().contains(p.stream())) {
                throw new IllegalArgumentException("partition " + p + " is not in the streams " + new TreeSet<>(spec.streams())
                        + " of group '" + spec.group() + "'");
            }
            log.stream(p.stream()).partition(p.partition()); // refuses a partition out of range, naming it
        });
        return position.offsets();
    }

    private Map<StreamPartition, Long> positions(ResetPosition position, Set<StreamPartition> partitions) {
        Map<StreamPartition, Long> result = new LinkedHashMap<>();
        for (StreamPartition p : partitions) {
            if (position instanceof ResetPosition.AtTimestamp at) {
                result.put(p, log.offsetForTimestamp(p, at.timestamp()).orElseGet(() -> log.endOffset(p)));
            } else {
                result.put(p, log.beginningOffset(p));
            }
        }
        return result;
    }

    /** Clears a stopped partition's failure in whichever member of this process has it. */
    void restart(StreamPartition partition) {
        if (!partitions().contains(partition)) {
            throw new IllegalArgumentException("partition " + partition + " is not in the streams "
                    + new TreeSet<>(spec.streams()) + " of group '" + spec.group() + "'");
        }
        members.forEach(m -> m.worker().restart(partition));
    }

    GroupStatus status() {
        Set<StreamPartition> partitions = partitions();
        Map<StreamPartition, Long> stored = offsets.read(partitions);
        GroupDescription description = log.describeGroup(spec.group());
        Map<StreamPartition, PartitionFailure> failures = failures();
        List<PartitionStatus> result = new ArrayList<>();
        for (StreamPartition p : partitions) {
            long end = log.endOffset(p);
            Long offset = stored.get(p);
            long from = offset != null ? offset : log.beginningOffset(p);
            result.add(new PartitionStatus(p, offset != null ? OptionalLong.of(offset) : OptionalLong.empty(), end,
                    Math.max(0, end - from), Optional.ofNullable(description.owners().get(p)),
                    Optional.ofNullable(failures.get(p))));
        }
        return new GroupStatus(spec.group(), spec.guarantee(), result);
    }

    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<StreamPartition> partitions = partitions();
        Map<StreamPartition, Long> targets = new HashMap<>();
        Map<StreamPartition, Long> beginnings = new HashMap<>();
        for (StreamPartition p : partitions) {
            targets.put(p, log.endOffset(p));
            beginnings.put(p, log.beginningOffset(p));
        }
        while (true) {
            if (!failures().isEmpty()) {
                return false;
            }
            Map<StreamPartition, Long> stored = offsets.read(partitions);
            if (partitions.stream().allMatch(p -> stored.getOrDefault(p, beginnings.get(p)) >= targets.get(p))) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            Thread.sleep(Math.min(CAUGHT_UP_POLL_MILLIS, Math.max(1, remaining / 1_000_000)));
        }
    }

    private Map<StreamPartition, PartitionFailure> failures() {
        Map<StreamPartition, PartitionFailure> failures = new HashMap<>();
        members.forEach(m -> failures.putAll(m.worker().failures()));
        return failures;
    }

    /** Every partition of the group's streams, in stream and partition order. */
    Set<StreamPartition> partitions() {
        Set<StreamPartition> partitions = new TreeSet<>();
        for (String stream : spec.streams()) {
            int count = log.stream(stream).partitions();
            for (int i = 0; i < count; i++) {
                partitions.add(new StreamPartition(stream, i));
            }
        }
        return partitions;
    }
}
