package dev.tributary.memory;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.GroupDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.function.ToIntFunction;

/**
 * A consumer group as the coordinator sees it: live members, which member owns which partition, where each member
 * is headed (the target assignment), the generation, and the committed offsets. Guarded by the log's lock.
 *
 * <p>Ownership moves in two steps: a membership change only recomputes the targets; each member, in its own poll,
 * releases what it must give up and takes the free partitions of its target. So a partition is never owned twice.
 */
final class ConsumerGroup {

    final String id;
    private final ToIntFunction<String> partitionCount;
    private int generation;
    private int joins;
    private final Map<String, Membership> members = new LinkedHashMap<>();
    private final Map<StreamPartition, Membership> owners = new HashMap<>();
    private Map<String, Set<StreamPartition>> targets = Map.of();
    private final Map<StreamPartition, Long> committed = new HashMap<>();

    ConsumerGroup(String id, ToIntFunction<String> partitionCount) {
        this.id = id;
        this.partitionCount = partitionCount;
    }

    int generation() {
        return generation;
    }

    int liveMembers() {
        return members.size();
    }

    /** A member id never used in this group before. */
    String newMemberId() {
        return id + "-member-" + ++joins;
    }

    Membership join(String memberId, Set<String> streams, Condition changed, long nowNanos) {
        Membership membership = new Membership(memberId, streams, changed, nowNanos);
        members.put(membership.memberId, membership);
        membershipChanged();
        return membership;
    }

    /** Removes a member that left on its own: what it owned is free for the others at once. */
    void leave(Membership membership) {
        if (membership.live()) {
            membership.left = true;
            remove(membership);
        }
    }

    /**
     * Evicts every member that has not polled for {@code maxPollNanos} (Kafka's max.poll.interval.ms). Checked
     * whenever the group is touched rather than by a timer thread; waiting members bound their waits by
     * {@link #nextExpiryNanos} so that eviction still happens while nobody calls anything else.
     */
    void expireOverdue(long nowNanos, long maxPollNanos) {
        List<Membership> overdue = null;
        for (Membership m : members.values()) {
            if (!m.waiting && nowNanos - m.lastActiveNanos > maxPollNanos) {
                if (overdue == null) {
                    overdue = new ArrayList<>();
                }
                overdue.add(m);
            }
        }
        if (overdue != null) {
            for (Membership m : overdue) {
                m.evicted = true;
                remove(m);
            }
        }
    }

    /** When the first member other than {@code except} becomes overdue, or {@link Long#MAX_VALUE}. */
    long nextExpiryNanos(Membership except, long maxPollNanos) {
        long next = Long.MAX_VALUE;
        for (Membership m : members.values()) {
            if (m != except && !m.waiting) {
                next = Math.min(next, m.lastActiveNanos + maxPollNanos);
            }
        }
        return next;
    }

    Set<StreamPartition> target(Membership membership) {
        return targets.getOrDefault(membership.memberId, Set.of());
    }

    boolean owns(Membership membership, StreamPartition partition) {
        return membership.live() && owners.get(partition) == membership;
    }

    /** Takes the partitions of the member's target that nobody owns; the others wait for their owner to let go. */
    List<StreamPartition> acquireFree(Membership membership) {
        List<StreamPartition> acquired = new ArrayList<>();
        for (StreamPartition p : target(membership)) {
            if (!owners.containsKey(p)) {
                owners.put(p, membership);
                acquired.add(p);
            }
        }
        acquired.sort(null);
        return acquired;
    }

    /** Whether some partition of the member's target is free to take now. */
    boolean hasFreeTarget(Membership membership) {
        for (StreamPartition p : target(membership)) {
            if (!owners.containsKey(p)) {
                return true;
            }
        }
        return false;
    }

    void release(Membership membership, Set<StreamPartition> partitions) {
        boolean freed = false;
        for (StreamPartition p : partitions) {
            freed |= owners.remove(p, membership);
        }
        if (freed) {
            signalMembers();
        }
    }

    Long committedOffset(StreamPartition partition) {
        return committed.get(partition);
    }

    void commit(Map<StreamPartition, Long> offsets) {
        committed.putAll(offsets);
    }

    /** A live member with this id, or {@code null}. */
    Membership member(String memberId) {
        return members.get(memberId);
    }

    GroupDescription describe() {
        Map<StreamPartition, String> owned = new TreeMap<>();
        owners.forEach((p, m) -> owned.put(p, m.memberId));
        return new GroupDescription(id, generation, owned);
    }

    void signalMembers() {
        for (Membership m : members.values()) {
            m.changed.signal();
        }
    }

    private void remove(Membership membership) {
        members.remove(membership.memberId);
        owners.values().removeIf(owner -> owner == membership);
        membershipChanged();
    }

    private void membershipChanged() {
        generation++;
        Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Membership m : members.values()) {
            subscriptions.put(m.memberId, m.streams);
            m.streams.forEach(stream -> counts.computeIfAbsent(stream, partitionCount::applyAsInt));
        }
        Map<StreamPartition, String> currentOwners = new HashMap<>();
        owners.forEach((p, m) -> currentOwners.put(p, m.memberId));
        targets = StickyAssignor.assign(subscriptions, counts, targets, currentOwners);
        signalMembers();
    }
}
