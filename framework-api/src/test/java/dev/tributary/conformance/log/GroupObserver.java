package dev.tributary.conformance.log;

import dev.tributary.api.StreamPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every rebalance callback of one group's {@link TestMember}s, in the order they ran, checked against the two-step
 * rule: a partition goes to a new owner only after the old owner was told onRevoked (or onLost), unless the old
 * owner had been removed from the group. Violations fail the test when it ends.
 */
final class GroupObserver {

    /** One order across all groups, so that tests may compare the callbacks of different members. */
    private static final AtomicLong SEQUENCE = new AtomicLong();

    enum Kind { ASSIGNED, REVOKED, LOST }

    record Callback(long sequence, String member, Kind kind, Set<StreamPartition> partitions, int generation) {

        @Override
        public String toString() {
            return "#" + sequence + " " + member + " " + kind + " " + partitions
                    + (kind == Kind.ASSIGNED ? " generation " + generation : "");
        }
    }

    private final String group;
    private final List<Callback> callbacks = new ArrayList<>();
    private final Map<StreamPartition, TestMember> owners = new HashMap<>();
    private final List<String> violations = new ArrayList<>();

    GroupObserver(String group) {
        this.group = group;
    }

    String group() {
        return group;
    }

    synchronized void assigned(TestMember member, Set<StreamPartition> partitions, int generation) {
        for (StreamPartition partition : partitions) {
            TestMember previous = owners.get(partition);
            if (previous != null && previous != member && !previous.stalled()) {
                violation(member.name() + " was assigned " + partition + " while " + previous.name()
                        + " still owned it (no onRevoked or onLost yet)");
            }
            owners.put(partition, member);
        }
        record(member, Kind.ASSIGNED, partitions, generation);
    }

    synchronized void revoked(TestMember member, Set<StreamPartition> partitions) {
        for (StreamPartition partition : partitions) {
            if (owners.get(partition) != member) {
                violation(member.name() + " was told onRevoked " + partition + " which it did not own (owner: "
                        + Optional.ofNullable(owners.get(partition)).map(TestMember::name).orElse("nobody") + ")");
            } else {
                owners.remove(partition);
            }
        }
        record(member, Kind.REVOKED, partitions, -1);
    }

    synchronized void lost(TestMember member, Set<StreamPartition> partitions) {
        for (StreamPartition partition : partitions) {
            owners.remove(partition, member);
        }
        record(member, Kind.LOST, partitions, -1);
    }

    synchronized void violation(String description) {
        violations.add(description);
    }

    private void record(TestMember member, Kind kind, Set<StreamPartition> partitions, int generation) {
        callbacks.add(new Callback(SEQUENCE.incrementAndGet(), member.name(), kind, new TreeSet<>(partitions),
                generation));
    }

    synchronized List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }

    /** The callbacks of that kind the member received that name the partition, in order. */
    synchronized List<Callback> callbacks(TestMember member, Kind kind, StreamPartition partition) {
        return callbacks.stream()
                .filter(c -> c.member().equals(member.name()) && c.kind() == kind && c.partitions().contains(partition))
                .toList();
    }

    /** Every partition the member was told it lost, or was revoked, after callback {@code afterSequence}. */
    synchronized Set<StreamPartition> released(TestMember member, Kind kind, long afterSequence) {
        return callbacks.stream()
                .filter(c -> c.member().equals(member.name()) && c.kind() == kind && c.sequence() > afterSequence)
                .flatMap(c -> c.partitions().stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static long lastSequence() {
        return SEQUENCE.get();
    }

    synchronized String history() {
        return "callbacks of group " + group + ": " + callbacks.stream().map(Callback::toString)
                .collect(Collectors.joining("; "));
    }

    synchronized void assertConsistent() {
        if (!violations.isEmpty()) {
            fail("group " + group + " broke the rebalance contract:\n  " + String.join("\n  ", violations)
                    + "\n" + history());
        }
    }
}
