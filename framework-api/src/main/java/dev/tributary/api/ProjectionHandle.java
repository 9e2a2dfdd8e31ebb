package dev.tributary.api;

/** A started projection. Thread-safe. */
public interface ProjectionHandle extends GroupHandle {

    /**
     * Rebuilds the read model: stops this member, resets the group's offsets to {@code position} together with the
     * projection's read-model reset (one database transaction for exactly-once projections), and rejoins. Blocks
     * until the reset is done, not until the rebuild is; use {@link #awaitCaughtUp} for that.
     *
     * @throws GroupActiveException if members in other processes still consume the group
     */
    void replay(ResetPosition position);
}
