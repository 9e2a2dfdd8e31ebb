package dev.tributary.memory;

import java.util.Set;
import java.util.concurrent.locks.Condition;

/**
 * One stay of a {@link InMemoryGroupMember} in its group, from joining to leaving or eviction. A member evicted for
 * not polling rejoins with a new membership and a new id, as a Kafka consumer does, so a stale membership can never
 * own a partition again. Guarded by the log's lock.
 */
final class Membership {

    final String memberId;
    final Set<String> streams;
    /** Signalled when the member's group changes, its partitions grow, it is woken up, or the log closes. */
    final Condition changed;
    /** When the member last showed it was alive: entering or leaving a wait inside poll. */
    long lastActiveNanos;
    /** True while the member blocks inside poll: like a Kafka consumer inside poll, it cannot be overdue then. */
    boolean waiting;
    boolean evicted;
    boolean left;

    Membership(String memberId, Set<String> streams, Condition changed, long nowNanos) {
        this.memberId = memberId;
        this.streams = streams;
        this.changed = changed;
        this.lastActiveNanos = nowNanos;
    }

    boolean live() {
        return !evicted && !left;
    }
}
