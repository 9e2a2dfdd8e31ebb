package dev.tributary.spi;

import java.util.Set;

/**
 * Told when a {@link GroupMember} gains or loses partitions. Called on the polling thread, inside
 * {@link GroupMember#poll} or {@link GroupMember#close}; a callback that throws fails that poll.
 *
 * <p>Every partition moves in two steps: the old owner is told {@link #onRevoked} (or {@link #onLost}) before the
 * new owner is told {@link #onAssigned}, so two members never process one partition at the same time unless one
 * of them was already removed from the group (and then its commits fail).
 */
public interface RebalanceListener {

    /** This member now owns these partitions, as of the given generation. It may {@link GroupMember#seek} them. */
    void onAssigned(Set<dev.tributary.api.StreamPartition> partitions, int generation);

    /** This member is about to lose these partitions and still owns them: finish or commit in-flight work now. */
    void onRevoked(Set<dev.tributary.api.StreamPartition> partitions);

    /**
     * This member has already lost these partitions (it was removed from the group, e.g. after a poll timeout):
     * discard in-flight work, commits for them will fail. Defaults to nothing.
     */
    default void onLost(Set<dev.tributary.api.StreamPartition> partitions) {
    }

    RebalanceListener NONE = new RebalanceListener() {
        @Override
        public void onAssigned(Set<dev.tributary.api.StreamPartition> partitions, int generation) {
        }

        @Override
        public void onRevoked(Set<dev.tributary.api.StreamPartition> partitions) {
        }
    };
}
