package dev.tributary.internal.projection;

import dev.tributary.api.GroupHandle;
import dev.tributary.api.GroupStatus;
import dev.tributary.api.StreamPartition;

import java.time.Duration;
import java.util.Objects;

/** A started member of a group; it outlives its worker, which a replay replaces. */
class MemberHandle implements GroupHandle {

    private final LocalGroup group;
    private final GroupSpec spec;
    private final int slot;
    private volatile GroupWorker worker;

    MemberHandle(LocalGroup group, GroupSpec spec, int slot, GroupWorker worker) {
        this.group = group;
        this.spec = spec;
        this.slot = slot;
        this.worker = worker;
    }

    final LocalGroup localGroup() {
        return group;
    }

    final GroupSpec spec() {
        return spec;
    }

    final int slot() {
        return slot;
    }

    final GroupWorker worker() {
        return worker;
    }

    final void worker(GroupWorker worker) {
        this.worker = worker;
    }

    @Override
    public final String group() {
        return spec.group();
    }

    @Override
    public final String memberId() {
        return worker.memberId();
    }

    @Override
    public final GroupStatus status() {
        return group.status();
    }

    @Override
    public final boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return group.awaitCaughtUp(timeout);
    }

    @Override
    public final void restart(StreamPartition partition) {
        Objects.requireNonNull(partition, "partition");
        group.restart(partition);
    }

    @Override
    public final void close() {
        group.stop(this);
    }

    @Override
    public String toString() {
        return spec.kind() + " '" + spec.group() + "' member '" + memberId() + "'";
    }
}
