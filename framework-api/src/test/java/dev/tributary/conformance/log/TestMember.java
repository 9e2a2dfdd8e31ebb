package dev.tributary.conformance.log;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.RebalanceListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A group member under test: it keeps what its polls returned, tells its {@link GroupObserver} every rebalance
 * callback, and records a violation when a callback breaks the contract (runs outside poll or close, on another
 * thread, or for partitions the member's {@link GroupMember#assignment()} does not hold at that moment).
 *
 * <p>Like the {@link GroupMember} it wraps, it is used from one thread.
 */
final class TestMember implements AutoCloseable {

    private final String name;
    private final GroupObserver observer;
    private final GroupMember member;
    private final List<LogEntry> received = new ArrayList<>();
    private final Set<StreamPartition> owned = new TreeSet<>();
    private final Set<StreamPartition> paused = new HashSet<>();
    private final List<Integer> generations = new ArrayList<>();

    private Consumer<Set<StreamPartition>> onAssigned = partitions -> { };
    private Consumer<Set<StreamPartition>> onRevoked = partitions -> { };
    private Thread insideCallOn;
    private long lastPollStartedNanos = System.nanoTime();
    private boolean stalled;
    private boolean closed;

    TestMember(String name, EventLog log, GroupObserver observer, Set<String> streams) {
        this.name = name;
        this.observer = observer;
        this.member = log.joinGroup(observer.group(), streams, new Listener());
    }

    String name() {
        return name;
    }

    GroupObserver observer() {
        return observer;
    }

    GroupMember member() {
        return member;
    }

    /** Runs after the member has recorded the assignment, inside the callback (it may seek there). */
    void onAssigned(Consumer<Set<StreamPartition>> action) {
        this.onAssigned = action;
    }

    /** Runs inside onRevoked, while the member still owns the partitions (it may commit there). */
    void onRevoked(Consumer<Set<StreamPartition>> action) {
        this.onRevoked = action;
    }

    List<LogEntry> poll(Duration timeout) {
        lastPollStartedNanos = System.nanoTime();
        insideCallOn = Thread.currentThread();
        List<LogEntry> entries;
        try {
            entries = member.poll(timeout);
        } finally {
            insideCallOn = null;
        }
        for (LogEntry entry : entries) {
            if (!owned.contains(entry.partition())) {
                observer.violation(name + " polled " + entry + " of a partition its listener was never given"
                        + " (or was told it lost): owned " + owned);
            }
            if (paused.contains(entry.partition())) {
                observer.violation(name + " polled " + entry + " of a paused partition");
            }
        }
        received.addAll(entries);
        return entries;
    }

    void pause(Set<StreamPartition> partitions) {
        member.pause(partitions);
        paused.addAll(partitions);
    }

    void resume(Set<StreamPartition> partitions) {
        member.resume(partitions);
        paused.removeAll(partitions);
    }

    /** From now on the member stops polling; the group may give its partitions away without onRevoked. */
    void stall() {
        stalled = true;
    }

    boolean stalled() {
        return stalled;
    }

    long lastPollStartedNanos() {
        return lastPollStartedNanos;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        insideCallOn = Thread.currentThread();
        try {
            member.close();
        } finally {
            insideCallOn = null;
        }
    }

    Set<StreamPartition> assignment() {
        return new TreeSet<>(member.assignment());
    }

    /** The partitions the listener was told this member owns. */
    Set<StreamPartition> owned() {
        return new TreeSet<>(owned);
    }

    GroupMetadata metadata() {
        return member.groupMetadata();
    }

    List<Integer> generations() {
        return List.copyOf(generations);
    }

    List<LogEntry> received() {
        return List.copyOf(received);
    }

    List<LogEntry> received(StreamPartition partition) {
        return received.stream().filter(e -> e.partition().equals(partition)).toList();
    }

    List<String> receivedTexts() {
        return LogConformanceSupport.texts(received);
    }

    void forgetReceived() {
        received.clear();
    }

    /** For each of the partitions this member received something from: the offset after the last such entry. */
    Map<StreamPartition, Long> nextOffsets(Set<StreamPartition> partitions) {
        Map<StreamPartition, Long> next = new LinkedHashMap<>();
        for (LogEntry entry : received) {
            if (partitions.contains(entry.partition())) {
                next.put(entry.partition(), entry.nextOffset());
            }
        }
        return next;
    }

    String describe() {
        return name + " (" + safeMemberId() + "): assignment " + safeAssignment() + ", listener says " + owned
                + ", received " + LogConformanceSupport.texts(received);
    }

    private String safeMemberId() {
        try {
            return member.memberId();
        } catch (RuntimeException e) {
            return "memberId failed: " + e;
        }
    }

    private String safeAssignment() {
        try {
            return member.assignment().toString();
        } catch (RuntimeException e) {
            return "assignment failed: " + e;
        }
    }

    private void checkInsideCall(String callback) {
        if (insideCallOn != Thread.currentThread()) {
            observer.violation(name + "'s " + callback + " ran on " + Thread.currentThread().getName()
                    + " outside poll and close" + (insideCallOn == null ? "" : " (the member's thread is "
                    + insideCallOn.getName() + ")"));
        }
    }

    private final class Listener implements RebalanceListener {

        @Override
        public void onAssigned(Set<StreamPartition> partitions, int generation) {
            checkInsideCall("onAssigned");
            Set<StreamPartition> assignment = member.assignment();
            if (!assignment.containsAll(partitions)) {
                observer.violation(name + " was told onAssigned " + partitions + " but its assignment is " + assignment);
            }
            owned.addAll(partitions);
            generations.add(generation);
            observer.assigned(TestMember.this, partitions, generation);
            onAssigned.accept(Set.copyOf(partitions));
        }

        @Override
        public void onRevoked(Set<StreamPartition> partitions) {
            checkInsideCall("onRevoked");
            Set<StreamPartition> assignment = member.assignment();
            if (!assignment.containsAll(partitions)) {
                observer.violation(name + " was told onRevoked " + partitions
                        + " but no longer holds them during the callback: assignment " + assignment);
            }
            observer.revoked(TestMember.this, partitions);
            onRevoked.accept(Set.copyOf(partitions));
            owned.removeAll(partitions);
            paused.removeAll(partitions);
        }

        @Override
        public void onLost(Set<StreamPartition> partitions) {
            checkInsideCall("onLost");
            observer.lost(TestMember.this, partitions);
            owned.removeAll(partitions);
            paused.removeAll(partitions);
        }
    }
}
