package dev.tributary.internal.projection;

import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.ResetPosition;

import java.util.Objects;

/** A started member of a projection's group, which can also replay the group. */
final class ProjectionMemberHandle extends MemberHandle implements ProjectionHandle {

    ProjectionMemberHandle(LocalGroup group, GroupSpec spec, int slot, GroupWorker worker) {
        super(group, spec, slot, worker);
    }

    @Override
    public void replay(ResetPosition position) {
        Objects.requireNonNull(position, "position");
        localGroup().replay(position);
    }
}
