package dev.tributary.memory;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.RebalanceListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;

/**
 * A member of a consumer group of an {@link InMemoryEventLog}, driven like a Kafka consumer: it enters the group,
 * releases and takes partitions, and is told so, only inside its own {@link #poll}.
 *
 * <p>Its cursors (assigned partitions, positions, pauses) belong to the polling thread, like a Kafka consumer's
 * subscription state; what other members must see lives in the {@link ConsumerGroup}, under the log's lock.
 */
final class InMemoryGroupMember implements GroupMember {

    private final InMemoryEventLog log;
    private final ConsumerGroup group;
    private final Set<String> streams;
    private final RebalanceListener listener;
    private final Condition changed;
    /** The assigned partitions in the order they were assigned, with where the next poll reads each. */
    private final Map<StreamPartition, Cursor> cursors = new LinkedHashMap<>();
    /** Whose thread is inside a method now: a second thread gets a ConcurrentModificationException, as on Kafka. */
    private final AtomicReference<Thread> user = new AtomicReference<>();
    private int userDepth;
    /** This member's stay in the group; null before the first poll and between an eviction and the rejoin. */
    private Membership membership;
    private volatile String memberId;
    private int syncedGeneration = -1;
    /** Set when an eviction was reported: the next rebalance step rejoins under a new id. */
    private boolean rejoinDue;
    private int rotation;
    /** Guarded by the log's lock, so that a wakeup between the check and the wait is not missed. */
    private boolean wakeupRequested;
    private boolean closing;
    private boolean closed;

    InMemoryGroupMember(InMemoryEventLog log, ConsumerGroup group, Set<String> streams, RebalanceListener listener) {
        this.log = log;
        this.group = group;
        this.streams = streams;
        this.listener = listener;
        this.changed = log.lock.newCondition();
        this.memberId = group.newMemberId();
    }

    @Override
    public String group() {
        return group.id;
    }

    @Override
    public String memberId() {
        return memberId;
    }

    @Override
    public List<LogEntry> poll(Duration timeout) {
        long deadline = InMemoryEventLog.deadline(timeout);
        acquire();
        try {
            ensureUsable();
            log.lock.lock();
            try {
                log.ensureOpen();
                // Evict first: a member returning after too long must find itself evicted, not refreshed.
                group.expireOverdue(System.nanoTime(), log.maxPollNanos);
                if (membership != null && membership.live()) {
                    membership.lastActiveNanos = System.nanoTime();
                }
            } finally {
                log.lock.unlock();
            }
            while (true) {
                rebalance();
                log.lock.lock();
                try {
                    log.ensureOpen();
                    if (rebalanceDue()) {
                        continue;
                    }
                    List<LogEntry> entries = fetch();
                    long now = System.nanoTime();
                    boolean woken = wakeupRequested;
                    wakeupRequested = false;
                    if (!entries.isEmpty() || woken || now - deadline >= 0) {
                        membership.lastActiveNanos = now;
                        return entries;
                    }
                    long wakeAt = Math.min(deadline, group.nextExpiryNanos(membership, log.maxPollNanos));
                    if (!await(wakeAt - now)) {
                        return List.of();
                    }
                    // Another member may have become overdue while this one waited: its partitions are due here.
                    group.expireOverdue(System.nanoTime(), log.maxPollNanos);
                } finally {
                    log.lock.unlock();
                }
            }
        } finally {
            release();
        }
    }

    /**
     * Runs the rebalance steps due for this member, each callback outside the lock: report partitions lost to an
     * eviction and rejoin; enter the group; release what the target no longer holds after {@code onRevoked}; take
     * the free partitions of the target and sync to the group's generation with {@code onAssigned}.
     */
    private void rebalance() {
        while (true) {
            Set<StreamPartition> lost = null;
            Set<StreamPartition> revoked = null;
            Set<StreamPartition> assigned = null;
            int generation = 0;
            log.lock.lock();
            try {
                log.ensureOpen();
                if (membership == null || rejoinDue) {
                    if (rejoinDue) {
                        // Kafka hands a consumer that was evicted a new member id when it rejoins.
                        memberId = group.newMemberId();
                        rejoinDue = false;
                    }
                    membership = group.join(memberId, streams, changed, System.nanoTime());
                    syncedGeneration = -1;
                } else if (!membership.live()) {
                    lost = Collections.unmodifiableSet(new TreeSet<>(cursors.keySet()));
                    cursors.clear();
                    rejoinDue = true;
                } else {
                    Set<StreamPartition> target = group.target(membership);
                    Set<StreamPartition> giveUp = new TreeSet<>();
                    for (StreamPartition p : cursors.keySet()) {
                        if (!target.contains(p)) {
                            giveUp.add(p);
                        }
                    }
                    if (!giveUp.isEmpty()) {
                        revoked = Collections.unmodifiableSet(giveUp);
                    } else {
                        List<StreamPartition> acquired = group.acquireFree(membership);
                        for (StreamPartition p : acquired) {
                            cursors.put(p, new Cursor(log.partitionLog(p), startOffset(p)));
                        }
                        boolean synced = syncedGeneration == group.generation();
                        syncedGeneration = group.generation();
                        if (synced && acquired.isEmpty()) {
                            return;
                        }
                        assigned = Collections.unmodifiableSet(new LinkedHashSet<>(acquired));
                        generation = syncedGeneration;
                    }
                }
            } finally {
                log.lock.unlock();
            }
            if (lost != null) {
                if (!lost.isEmpty()) {
                    listener.onLost(lost);
                }
            } else if (revoked != null) {
                try {
                    listener.onRevoked(revoked);
                } finally {
                    releasePartitions(revoked);
                }
            } else if (assigned != null) {
                // Like Kafka's cooperative protocol: every sync is reported, even one that brings nothing new.
                listener.onAssigned(assigned, generation);
            }
        }
    }

    private void releasePartitions(Set<StreamPartition> partitions) {
        log.lock.lock();
        try {
            cursors.keySet().removeAll(partitions);
            if (membership != null) {
                group.release(membership, partitions);
            }
        } finally {
            log.lock.unlock();
        }
    }

    /** Whether a poll must run rebalance steps before it may wait. Holds the lock. */
    private boolean rebalanceDue() {
        return rejoinDue || !membership.live() || syncedGeneration != group.generation() || group.hasFreeTarget(membership);
    }

    private long startOffset(StreamPartition partition) {
        Long committed = group.committedOffset(partition);
        long beginning = log.partitionLog(partition).beginningOffset();
        return committed == null ? beginning : Math.max(committed, beginning);
    }

    /**
     * Takes up to maxPollRecords entries from the unpaused partitions in turn: all it can from the first partition
     * with entries, then from the next, starting from a different partition each time, so that a busy partition cannot
     * starve the others. This is the shape of a Kafka poll (the consumer hands out one partition's fetched records
     * before the next one's), and it matters to exactly-once projections: a batch that touches fewer partitions
     * stores fewer offsets and touches fewer read-model rows. Holds the lock.
     */
    private List<LogEntry> fetch() {
        List<Cursor> active = new ArrayList<>(cursors.size());
        for (Cursor cursor : cursors.values()) {
            if (!cursor.paused) {
                active.add(cursor);
            }
        }
        int count = active.size();
        if (count == 0) {
            return List.of();
        }
        int start = Math.floorMod(rotation++, count);
        List<LogEntry> entries = new ArrayList<>();
        int remaining = log.maxPollRecords;
        for (int j = 0; j < count; j++) {
            Cursor cursor = active.get((start + j) % count);
            int available = cursor.log.available(cursor.position);
            int take = Math.min(available, remaining);
            if (take > 0) {
                cursor.log.copyFrom(cursor.position, take, entries);
                remaining -= take;
                cursor.position = entries.get(entries.size() - 1).nextOffset();
            }
            if (take == available) {
                // A consumer's position moves past trailing commit markers, so one that has seen everything is at
                // the end offset, as on Kafka.
                cursor.position = Math.max(cursor.position, cursor.log.endOffset());
            }
        }
        return entries.isEmpty() ? List.of() : Collections.unmodifiableList(entries);
    }

    /**
     * Waits for new entries in an unpaused partition, a group change, a wakeup or the log's close, at most
     * {@code nanos}. Holds the lock. Returns false if the thread was interrupted.
     */
    private boolean await(long nanos) {
        if (nanos <= 0) {
            return true;
        }
        List<PartitionLog> watched = new ArrayList<>(cursors.size());
        for (Cursor cursor : cursors.values()) {
            if (!cursor.paused) {
                cursor.log.addWatcher(changed);
                watched.add(cursor.log);
            }
        }
        membership.waiting = true;
        try {
            changed.awaitNanos(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            membership.waiting = false;
            membership.lastActiveNanos = System.nanoTime();
            for (PartitionLog partition : watched) {
                partition.removeWatcher(changed);
            }
        }
    }

    @Override
    public void seek(StreamPartition partition, long offset) {
        acquire();
        try {
            ensureUsable();
            if (offset < 0) {
                throw new IllegalArgumentException("cannot seek " + partition + " to " + offset + ": offsets are >= 0");
            }
            cursor(partition, "seek").position = offset;
        } finally {
            release();
        }
    }

    @Override
    public long position(StreamPartition partition) {
        acquire();
        try {
            ensureUsable();
            return cursor(partition, "ask the position of").position;
        } finally {
            release();
        }
    }

    @Override
    public Set<StreamPartition> assignment() {
        acquire();
        try {
            return Collections.unmodifiableSet(new TreeSet<>(cursors.keySet()));
        } finally {
            release();
        }
    }

    @Override
    public GroupMetadata groupMetadata() {
        acquire();
        try {
            return new GroupMetadata(group.id, syncedGeneration, memberId);
        } finally {
            release();
        }
    }

    @Override
    public void commitSync(Map<StreamPartition, Long> offsets) {
        Objects.requireNonNull(offsets, "offsets");
        acquire();
        try {
            ensureUsable();
            log.lock.lock();
            try {
                log.ensureOpen();
                log.validateOffsets(offsets);
                group.expireOverdue(System.nanoTime(), log.maxPollNanos);
                Set<StreamPartition> notOwned = new TreeSet<>();
                for (StreamPartition p : offsets.keySet()) {
                    if (membership == null || !group.owns(membership, p)) {
                        notOwned.add(p);
                    }
                }
                if (!notOwned.isEmpty()) {
                    throw new PartitionFencedException(group.id, notOwned, fencedDetail());
                }
                group.commit(offsets);
            } finally {
                log.lock.unlock();
            }
        } finally {
            release();
        }
    }

    private String fencedDetail() {
        if (membership != null && membership.evicted) {
            return "member '" + memberId + "' was evicted for not polling within " + log.maxPollInterval()
                    + " and rejoins on its next poll; nothing was committed";
        }
        return "member '" + memberId + "' does not own them (revoked, or never assigned); nothing was committed";
    }

    @Override
    public void pause(Set<StreamPartition> partitions) {
        setPaused(partitions, true, "pause");
    }

    @Override
    public void resume(Set<StreamPartition> partitions) {
        setPaused(partitions, false, "resume");
    }

    private void setPaused(Set<StreamPartition> partitions, boolean paused, String action) {
        Objects.requireNonNull(partitions, "partitions");
        acquire();
        try {
            ensureUsable();
            List<Cursor> targets = new ArrayList<>(partitions.size());
            for (StreamPartition p : partitions) {
                targets.add(cursor(p, action));
            }
            targets.forEach(cursor -> cursor.paused = paused);
        } finally {
            release();
        }
    }

    @Override
    public void wakeup() {
        log.lock.lock();
        try {
            wakeupRequested = true;
            changed.signal();
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public void close() {
        acquire();
        try {
            if (closing || closed) {
                return;
            }
            closing = true;
            Set<StreamPartition> owned;
            boolean evicted;
            log.lock.lock();
            try {
                if (log.isClosed()) {
                    // A closed log serves no group any more: nobody could take the partitions or see a commit.
                    closed = true;
                    return;
                }
                group.expireOverdue(System.nanoTime(), log.maxPollNanos);
                evicted = membership != null && !membership.live();
                owned = Collections.unmodifiableSet(new TreeSet<>(cursors.keySet()));
            } finally {
                log.lock.unlock();
            }
            try {
                if (!owned.isEmpty()) {
                    if (evicted) {
                        listener.onLost(owned);
                    } else {
                        listener.onRevoked(owned);
                    }
                }
            } finally {
                log.lock.lock();
                try {
                    if (membership != null) {
                        group.leave(membership);
                    }
                    cursors.clear();
                    closed = true;
                } finally {
                    log.lock.unlock();
                }
            }
        } finally {
            release();
        }
    }

    @Override
    public String toString() {
        return "InMemoryGroupMember[" + memberId + " of group '" + group.id + "', assigned " + cursors.keySet() + "]";
    }

    private Cursor cursor(StreamPartition partition, String action) {
        Objects.requireNonNull(partition, "partition");
        Cursor cursor = cursors.get(partition);
        if (cursor == null) {
            throw new IllegalStateException("cannot " + action + " " + partition + ": it is not assigned to member '"
                    + memberId + "' of group '" + group.id + "', which has " + new TreeSet<>(cursors.keySet()));
        }
        return cursor;
    }

    private void ensureUsable() {
        if (closed) {
            throw new IllegalStateException("member '" + memberId + "' of group '" + group.id + "' is closed");
        }
        log.ensureOpen();
    }

    private void acquire() {
        Thread current = Thread.currentThread();
        if (user.get() != current && !user.compareAndSet(null, current)) {
            throw new ConcurrentModificationException("member '" + memberId + "' of group '" + group.id
                    + "' is used by " + user.get().getName() + " and " + current.getName()
                    + " at once; a GroupMember is for one thread, only wakeup() may be called from others");
        }
        userDepth++;
    }

    private void release() {
        if (--userDepth == 0) {
            user.set(null);
        }
    }

    /** Where the next poll reads one assigned partition. */
    private static final class Cursor {
        final PartitionLog log;
        long position;
        boolean paused;

        Cursor(PartitionLog log, long position) {
            this.log = log;
            this.position = position;
        }
    }
}
