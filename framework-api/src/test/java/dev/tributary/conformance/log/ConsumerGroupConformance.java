package dev.tributary.conformance.log;

import dev.tributary.api.GroupActiveException;
import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.conformance.log.GroupObserver.Callback;
import dev.tributary.conformance.log.GroupObserver.Kind;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The consumer-group contract of {@link dev.tributary.spi.EventLog#joinGroup}, {@link GroupMember} and
 * {@link dev.tributary.spi.RebalanceListener}: assignment, two-step rebalances, positions, commits, fencing of a
 * member that stopped polling, and group administration. Members of one test are polled in turns from the test
 * thread; every rebalance callback is checked against the two-step rule (see {@link GroupObserver}).
 */
public abstract class ConsumerGroupConformance extends LogConformanceSupport {

    // ---- assignment --------------------------------------------------------------------------------------------

    @Test
    void a_lone_member_is_assigned_every_partition_of_its_streams_and_reads_them_from_the_beginning() {
        StreamSpec orders = newStream("orders", 2);
        StreamSpec payments = newStream("payments", 1);
        append(orders.partition(0), "o0-a", "o0-b");
        append(orders.partition(1), "o1-a");
        append(payments.partition(0), "p0-a", "p0-b");
        GroupObserver group = observe(newGroup("lone"));
        TestMember a = join("A", group, orders, payments);
        Set<StreamPartition> all = partitionsOf(orders, payments);

        pollUntil("A owns every partition and has read all 5 entries",
                () -> owns(a, all) && a.received().size() >= 5, a);

        assertEquals(List.of("o0-a", "o0-b"), texts(a.received(orders.partition(0))));
        assertEquals(List.of("o1-a"), texts(a.received(orders.partition(1))));
        assertEquals(List.of("p0-a", "p0-b"), texts(a.received(payments.partition(0))));
        assertEquals(5, a.received().size(), "each entry once: " + a.receivedTexts());
        assertEquals(group.group(), a.member().group());
        GroupMetadata metadata = a.metadata();
        assertEquals(new GroupMetadata(group.group(), metadata.generation(), a.member().memberId()), metadata);
        assertTrue(metadata.generation() >= 1, "a group with a member has a generation: " + metadata);
    }

    @Test
    void a_newly_assigned_partition_starts_at_the_beginning_when_the_group_has_no_committed_offset() {
        StreamSpec spec = newStream("orders", 2);
        GroupObserver group = observe(newGroup("fresh"));
        TestMember a = join("A", group, spec);
        Map<StreamPartition, Long> startPositions = new HashMap<>();
        a.onAssigned(partitions -> partitions.forEach(p -> startPositions.put(p, a.member().position(p))));

        pollUntil("A owns both partitions", () -> owns(a, partitionsOf(spec)), a);

        for (StreamPartition partition : partitionsOf(spec)) {
            assertEquals(log.beginningOffset(partition), startPositions.get(partition), "start of " + partition);
            assertEquals(log.beginningOffset(partition), a.member().position(partition), "position of " + partition);
        }
        List<Long> offsets = append(spec.partition(1), "first");
        pollUntil("A receives the first entry", () -> a.received().size() == 1, a);
        assertEquals(offsets.get(0), a.received().get(0).offset());
    }

    @Test
    void two_members_split_the_partitions_and_never_own_one_at_the_same_time() {
        StreamSpec spec = newStream("orders", 4);
        Set<StreamPartition> all = partitionsOf(spec);
        GroupObserver group = observe(newGroup("split"));
        TestMember a = join("A", group, spec);
        pollUntil("A owns every partition", () -> owns(a, all), a);
        TestMember b = join("B", group, spec);

        pollUntil("A and B split the partitions", () -> splitAmong(all, a, b), a, b);

        assertNotEquals(a.member().memberId(), b.member().memberId(), "member ids are unique in the group");
        group.assertConsistent();
        Map<StreamPartition, String> expected = new TreeMap<>();
        for (StreamPartition partition : all) {
            append(partition, "after-" + partition.partition());
            expected.put(partition, "after-" + partition.partition());
        }
        pollUntil("the group receives the 4 new entries",
                () -> a.received().size() + b.received().size() >= 4, a, b);
        for (TestMember member : List.of(a, b)) {
            for (LogEntry entry : member.received()) {
                assertTrue(member.owned().contains(entry.partition()), member.name() + " received " + entry);
                assertEquals(expected.get(entry.partition()), text(entry));
            }
        }
        assertEquals(4, a.received().size() + b.received().size(),
                "each entry once in the group: A " + a.receivedTexts() + ", B " + b.receivedTexts());
    }

    @Test
    void every_group_receives_every_entry() {
        StreamSpec spec = newStream("orders", 2);
        append(spec.partition(0), "a", "b", "c");
        append(spec.partition(1), "x", "y");
        TestMember first = join("first", observe(newGroup("first")), spec);
        TestMember second = join("second", observe(newGroup("second")), spec);

        pollUntil("both groups receive all 5 entries",
                () -> first.received().size() >= 5 && second.received().size() >= 5, first, second);

        for (TestMember member : List.of(first, second)) {
            assertEquals(List.of("a", "b", "c"), texts(member.received(spec.partition(0))), member.name());
            assertEquals(List.of("x", "y"), texts(member.received(spec.partition(1))), member.name());
            assertEquals(partitionsOf(spec), member.assignment(), member.name());
        }
    }

    // ---- handing partitions over -------------------------------------------------------------------------------

    @Test
    void a_closing_member_revokes_its_partitions_and_the_other_member_takes_them_over() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        GroupObserver group = observe(newGroup("close"));
        TestMember a = join("A", group, spec);
        TestMember b = join("B", group, spec);
        pollUntil("A and B split the partitions", () -> splitAmong(all, a, b), a, b);
        Set<StreamPartition> ofA = a.assignment();
        long beforeClose = GroupObserver.lastSequence();

        a.close();

        assertEquals(ofA, group.released(a, Kind.REVOKED, beforeClose), "close runs onRevoked for what A owned");
        pollUntil("B owns every partition", () -> owns(b, all), b);
        for (StreamPartition partition : all) {
            append(partition, "new-" + partition.partition());
        }
        pollUntil("B receives the new entry of every partition", () -> b.receivedTexts().containsAll(
                List.of("new-0", "new-1")), b);
    }

    @Test
    void a_partition_handed_over_resumes_at_the_offset_committed_for_it() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        for (StreamPartition partition : all) {
            append(partition, partition.partition() + "-0", partition.partition() + "-1", partition.partition() + "-2");
        }
        GroupObserver group = observe(newGroup("resume"));
        TestMember a = join("A", group, spec);
        TestMember b = join("B", group, spec);
        pollUntil("A and B split the partitions and read all 6 entries",
                () -> splitAmong(all, a, b) && a.received().size() + b.received().size() >= 6, a, b);
        Set<StreamPartition> ofA = a.assignment();
        Map<StreamPartition, Long> committed = new TreeMap<>();
        for (StreamPartition partition : ofA) {
            // Only the first entry is done: the next owner must redeliver the other two.
            committed.put(partition, a.received(partition).get(0).nextOffset());
        }
        a.member().commitSync(committed);
        assertEquals(committed, new TreeMap<>(log.committedOffsets(group.group(), ofA)));
        Map<StreamPartition, Long> startPositions = new HashMap<>();
        b.onAssigned(partitions -> partitions.forEach(p -> startPositions.put(p, b.member().position(p))));
        b.forgetReceived();

        a.close();
        pollUntil("B owns every partition and has read A's unfinished entries",
                () -> owns(b, all) && ofA.stream().allMatch(p -> b.received(p).size() >= 2), b);

        for (StreamPartition partition : ofA) {
            int n = partition.partition();
            assertEquals(List.of(n + "-1", n + "-2"), texts(b.received(partition)), "B resumes " + partition);
            assertEquals(committed.get(partition), startPositions.get(partition), "B's start position in " + partition);
        }
    }

    @Test
    void offsets_committed_in_onRevoked_are_where_the_next_owner_starts() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        for (StreamPartition partition : all) {
            append(partition, "old-" + partition.partition() + "-a", "old-" + partition.partition() + "-b");
        }
        GroupObserver group = observe(newGroup("revoke-commit"));
        TestMember a = join("A", group, spec);
        a.onRevoked(partitions -> a.member().commitSync(a.nextOffsets(partitions)));
        pollUntil("A owns every partition and has read all 4 entries",
                () -> owns(a, all) && a.received().size() >= 4, a);

        TestMember b = join("B", group, spec);
        pollUntil("A and B split the partitions", () -> splitAmong(all, a, b), a, b);
        for (StreamPartition partition : all) {
            append(partition, "new-" + partition.partition());
        }
        pollUntil("each member receives the new entries of its partitions", () -> {
            List<String> seen = new ArrayList<>(a.receivedTexts());
            seen.addAll(b.receivedTexts());
            return seen.containsAll(List.of("new-0", "new-1"));
        }, a, b);

        for (StreamPartition partition : b.assignment()) {
            assertEquals(List.of("new-" + partition.partition()), texts(b.received(partition)),
                    "B starts " + partition + " where A committed in onRevoked");
        }
        for (StreamPartition partition : a.assignment()) {
            int n = partition.partition();
            assertEquals(List.of("old-" + n + "-a", "old-" + n + "-b", "new-" + n), texts(a.received(partition)),
                    "A read " + partition + " once");
        }
    }

    @Test
    void the_old_owner_is_told_onRevoked_before_the_new_owner_is_told_onAssigned() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        GroupObserver group = observe(newGroup("two-step"));
        TestMember a = join("A", group, spec);
        pollUntil("A owns every partition", () -> owns(a, all), a);
        TestMember b = join("B", group, spec);

        pollUntil("A and B split the partitions", () -> splitAmong(all, a, b), a, b);

        for (StreamPartition partition : b.assignment()) {
            List<Callback> revoked = group.callbacks(a, Kind.REVOKED, partition);
            List<Callback> assigned = group.callbacks(b, Kind.ASSIGNED, partition);
            assertFalse(revoked.isEmpty(), "A was never told onRevoked " + partition + "; " + group.history());
            assertTrue(revoked.get(0).sequence() < assigned.get(0).sequence(),
                    "A must be told onRevoked " + partition + " before B is told onAssigned; " + group.history());
        }
    }

    @Test
    void the_generation_increases_whenever_the_group_rebalances() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        String groupName = newGroup("generations");
        GroupObserver group = observe(groupName);
        TestMember a = join("A", group, spec);
        pollUntil("A owns every partition", () -> owns(a, all), a);
        int alone = a.metadata().generation();
        assertTrue(alone >= 1, "generation of a group with a member: " + alone);
        assertTrue(a.generations().stream().allMatch(g -> g <= alone),
                "onAssigned generations " + a.generations() + " cannot be ahead of the member's " + alone);

        TestMember b = join("B", group, spec);
        pollUntil("A and B split the partitions", () -> splitAmong(all, a, b), a, b);
        int together = a.metadata().generation();
        assertTrue(together > alone, "B joining must bump A's generation past " + alone + ", got " + together);
        assertTrue(b.generations().get(b.generations().size() - 1) > alone,
                "B's assignment comes with a later generation than " + alone + ": " + b.generations());
        assertTrue(log.describeGroup(groupName).generation() > alone);

        b.close();
        pollUntil("A owns every partition again", () -> owns(a, all), a);
        assertTrue(a.metadata().generation() > together,
                "B leaving must bump the generation past " + together + ", got " + a.metadata().generation());
        for (TestMember member : List.of(a, b)) {
            List<Integer> generations = member.generations();
            for (int i = 1; i < generations.size(); i++) {
                assertTrue(generations.get(i) >= generations.get(i - 1),
                        member.name() + "'s onAssigned generations went back: " + generations);
            }
        }
    }

    // ---- positions ---------------------------------------------------------------------------------------------

    @Test
    void seek_sets_the_entry_the_next_poll_returns() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        List<Long> offsets = append(partition, "a", "b", "c", "d");
        TestMember a = join("A", observe(newGroup("seek")), log.stream(partition.stream()));
        pollUntil("A reads all 4 entries", () -> a.received().size() >= 4, a);

        a.member().seek(partition, offsets.get(1));
        assertEquals(offsets.get(1), a.member().position(partition));
        a.forgetReceived();
        pollUntil("A reads from b again", () -> a.received().size() >= 3, a);
        assertEquals(List.of("b", "c", "d"), a.receivedTexts());

        a.member().seek(partition, offsets.get(3));
        a.forgetReceived();
        pollUntil("A reads d again", () -> a.received().size() >= 1, a);
        assertEquals(List.of("d"), a.receivedTexts());
        assertTrue(a.member().position(partition) > offsets.get(3), "position after reading d");
    }

    @Test
    void a_listener_may_seek_a_partition_when_it_is_assigned() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        List<Long> offsets = append(partition, "a", "b", "c");
        TestMember a = join("A", observe(newGroup("seek-on-assign")), log.stream(partition.stream()));
        a.onAssigned(partitions -> a.member().seek(partition, offsets.get(2)));

        pollUntil("A reads c", () -> a.receivedTexts().contains("c"), a);

        assertEquals(List.of("c"), a.receivedTexts());
    }

    @Test
    void a_paused_partition_returns_nothing_until_resumed_and_stays_assigned() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        TestMember a = join("A", observe(newGroup("pause")), spec);
        pollUntil("A owns every partition", () -> owns(a, all), a);
        a.pause(Set.of(spec.partition(0)));

        append(spec.partition(0), "held");
        append(spec.partition(1), "flowing");
        pollUntil("A reads the unpaused partition", () -> a.receivedTexts().contains("flowing"), a);
        pollFor(QUIET, a);

        assertEquals(List.of("flowing"), a.receivedTexts());
        assertEquals(all, a.assignment(), "a paused partition stays assigned");
        a.resume(Set.of(spec.partition(0)));
        pollUntil("A reads the resumed partition", () -> a.receivedTexts().contains("held"), a);
        assertEquals(List.of("flowing", "held"), a.receivedTexts());
    }

    // ---- polling -----------------------------------------------------------------------------------------------

    @Test
    void a_poll_with_nothing_to_return_comes_back_empty_promptly_after_its_timeout() {
        StreamSpec spec = newStream("orders", 1);
        TestMember a = join("A", observe(newGroup("idle")), spec);
        pollUntil("A owns the partition", () -> owns(a, partitionsOf(spec)), a);
        Duration timeout = Duration.ofMillis(200);

        long start = System.nanoTime();
        List<LogEntry> entries = a.poll(timeout);
        long tookMillis = elapsedMillisSince(start);

        assertEquals(List.of(), entries);
        assertTrue(tookMillis < timeout.plus(PROMPT_MARGIN).toMillis(), "poll(" + timeout + ") took " + tookMillis + " ms");
    }

    @Test
    void wakeup_ends_a_waiting_poll_early_and_a_wakeup_before_poll_ends_the_next_one() throws Exception {
        StreamSpec spec = newStream("orders", 1);
        TestMember a = join("A", observe(newGroup("wakeup")), spec);
        pollUntil("A owns the partition", () -> owns(a, partitionsOf(spec)), a);
        ScheduledExecutorService other = Executors.newSingleThreadScheduledExecutor();
        try {
            var waking = other.schedule(() -> a.member().wakeup(), 200, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            a.poll(patience());
            long tookMillis = elapsedMillisSince(start);
            waking.get(1, TimeUnit.SECONDS);
            assertTrue(tookMillis < PROMPT_MARGIN.toMillis(),
                    "a poll woken from another thread after 200 ms returned after " + tookMillis + " ms");
        } finally {
            other.shutdownNow();
        }

        a.member().wakeup();
        long start = System.nanoTime();
        a.poll(patience());
        long tookMillis = elapsedMillisSince(start);
        assertTrue(tookMillis < PROMPT_MARGIN.toMillis(), "a poll after wakeup() returned after " + tookMillis + " ms");

        List<Long> offsets = append(spec.partition(0), "after-wakeup");
        pollUntil("A still reads after being woken", () -> !a.received().isEmpty(), a);
        assertEquals(offsets.get(0), a.received().get(0).offset());
    }

    @Test
    void a_rebalance_callback_that_throws_fails_the_poll_that_runs_it() {
        StreamSpec spec = newStream("orders", 1);
        TestMember a = join("A", observe(newGroup("throwing")), spec);
        IllegalStateException thrown = new IllegalStateException("listener failure " + backend.unique("marker"));
        a.onAssigned(partitions -> {
            throw thrown;
        });

        RuntimeException failure = null;
        long deadline = System.nanoTime() + patience().toNanos();
        while (failure == null && System.nanoTime() - deadline < 0) {
            try {
                a.poll(pollSlice());
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        if (failure == null) {
            fail("no poll failed within " + patience() + "; " + a.describe());
        }
        Throwable cause = failure;
        while (cause != null && cause != thrown) {
            cause = cause.getCause();
        }
        assertSame(thrown, cause, "poll should fail with the listener's exception (or one caused by it): " + failure);
    }

    // ---- commits and fencing -----------------------------------------------------------------------------------

    @Test
    void a_member_that_stops_polling_loses_its_partitions_and_its_later_commits_are_fenced() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        for (StreamPartition partition : all) {
            append(partition, "entry-" + partition.partition());
        }
        GroupObserver group = observe(newGroup("stalled"));
        TestMember a = join("A", group, spec);
        TestMember b = join("B", group, spec);
        pollUntil("A and B split the partitions and read both entries",
                () -> splitAmong(all, a, b) && a.received().size() + b.received().size() >= 2, a, b);
        Set<StreamPartition> ofA = a.assignment();
        Map<StreamPartition, Long> progress = a.nextOffsets(ofA);
        assertEquals(ofA, progress.keySet(), "A read an entry from each of its partitions");
        long stalledSince = a.lastPollStartedNanos();
        long beforeStall = GroupObserver.lastSequence();
        a.stall();

        pollUntil("B owns every partition while A does not poll", () -> owns(b, all), b);

        long stalledMillis = elapsedMillisSince(stalledSince);
        assertTrue(stalledMillis >= backend.memberTimeout().toMillis(), "A lost its partitions after "
                + stalledMillis + " ms without polling, before the member timeout " + backend.memberTimeout());
        PartitionFencedException fenced = assertThrows(PartitionFencedException.class,
                () -> a.member().commitSync(progress));
        assertNames(fenced, group.group());
        assertEquals(Map.of(), log.committedOffsets(group.group(), ofA), "a fenced commit stores nothing");

        pollUntil("A's next poll tells it that it lost its partitions",
                () -> group.released(a, Kind.LOST, beforeStall).containsAll(ofA), a, b);
        Set<StreamPartition> revokedFirst = new TreeSet<>();
        for (Callback callback : group.callbacks()) {
            if (callback.sequence() > beforeStall && callback.member().equals(a.name())) {
                if (callback.kind() == Kind.LOST) {
                    break;
                }
                if (callback.kind() == Kind.REVOKED) {
                    revokedFirst.addAll(callback.partitions());
                }
            }
        }
        assertEquals(Set.of(), revokedFirst,
                "A no longer owned its partitions, so it must be told onLost, not onRevoked; " + group.history());
    }

    @Test
    void a_commit_naming_a_partition_the_member_does_not_own_is_refused_entirely() {
        StreamSpec spec = newStream("orders", 2);
        Set<StreamPartition> all = partitionsOf(spec);
        for (StreamPartition partition : all) {
            append(partition, "entry-" + partition.partition());
        }
        GroupObserver group = observe(newGroup("foreign-commit"));
        TestMember a = join("A", group, spec);
        TestMember b = join("B", group, spec);
        pollUntil("A and B split the partitions and read both entries",
                () -> splitAmong(all, a, b) && a.received().size() + b.received().size() >= 2, a, b);
        StreamPartition own = a.assignment().iterator().next();
        StreamPartition foreign = b.assignment().iterator().next();
        long ownNext = a.received(own).get(0).nextOffset();
        long foreignNext = b.received(foreign).get(0).nextOffset();
        Map<StreamPartition, Long> both = new TreeMap<>(Map.of(own, ownNext, foreign, foreignNext));

        PartitionFencedException fenced = assertThrows(PartitionFencedException.class,
                () -> a.member().commitSync(both));

        assertNames(fenced, group.group(), foreign.toString());
        assertEquals(Map.of(), log.committedOffsets(group.group(), all), "nothing of a refused commit is stored");
        a.member().commitSync(Map.of(own, ownNext));
        assertEquals(Map.of(own, ownNext), log.committedOffsets(group.group(), all));
    }

    // ---- administration ----------------------------------------------------------------------------------------

    @Test
    void describeGroup_names_the_owner_of_every_partition_and_the_generation() {
        StreamSpec spec = newStream("orders", 3);
        Set<StreamPartition> all = partitionsOf(spec);
        String groupName = newGroup("describe");
        GroupObserver group = observe(groupName);
        TestMember a = join("A", group, spec);
        TestMember b = join("B", group, spec);
        pollUntil("A and B split the partitions", () -> splitAmong(all, a, b), a, b);

        pollUntil("describeGroup shows the members' assignments", () -> {
            Map<StreamPartition, String> expected = new TreeMap<>();
            a.assignment().forEach(p -> expected.put(p, a.member().memberId()));
            b.assignment().forEach(p -> expected.put(p, b.member().memberId()));
            return expected.equals(new TreeMap<>(log.describeGroup(groupName).owners()));
        }, a, b);

        GroupDescription description = log.describeGroup(groupName);
        assertEquals(groupName, description.group());
        int newest = Math.max(a.metadata().generation(), b.metadata().generation());
        assertTrue(description.generation() >= newest,
                "the group's generation " + description.generation() + " is at least its members' " + newest);
        a.close();
        b.close();
        await("describeGroup shows no owners once every member left",
                () -> log.describeGroup(groupName).owners().isEmpty());
    }

    @Test
    void a_group_that_never_had_members_has_generation_zero_no_owners_and_no_offsets() {
        StreamSpec spec = newStream("orders", 2);
        String group = newGroup("never");

        assertEquals(new GroupDescription(group, 0, Map.of()), log.describeGroup(group));
        assertEquals(Map.of(), log.committedOffsets(group, partitionsOf(spec)));
    }

    @Test
    void committed_offsets_are_kept_per_partition_and_absent_where_never_committed() {
        StreamSpec spec = newStream("orders", 3);
        Set<StreamPartition> all = partitionsOf(spec);
        List<Long> zero = append(spec.partition(0), "a", "b");
        List<Long> two = append(spec.partition(2), "x");
        TestMember a = join("A", observe(newGroup("committed")), spec);
        pollUntil("A owns every partition and read all 3 entries",
                () -> owns(a, all) && a.received().size() >= 3, a);

        a.member().commitSync(Map.of(spec.partition(0), zero.get(0) + 1, spec.partition(2), two.get(0) + 1));
        a.member().commitSync(Map.of(spec.partition(0), zero.get(1) + 1));

        assertEquals(Map.of(spec.partition(0), zero.get(1) + 1, spec.partition(2), two.get(0) + 1),
                log.committedOffsets(a.member().group(), all));
        assertEquals(Map.of(spec.partition(2), two.get(0) + 1),
                log.committedOffsets(a.member().group(), Set.of(spec.partition(1), spec.partition(2))));
    }

    @Test
    void resetting_offsets_is_refused_while_the_group_has_members_and_applies_after_they_leave() {
        StreamSpec spec = newStream("orders", 1);
        StreamPartition partition = spec.partition(0);
        List<Long> offsets = append(partition, "a", "b", "c");
        String groupName = newGroup("reset");
        GroupObserver group = observe(groupName);
        TestMember a = join("A", group, spec);
        pollUntil("A reads all 3 entries", () -> a.received().size() >= 3, a);
        long done = a.received().get(2).nextOffset();
        a.member().commitSync(Map.of(partition, done));

        GroupActiveException active = assertThrows(GroupActiveException.class,
                () -> log.resetCommittedOffsets(groupName, Map.of(partition, offsets.get(1))));

        assertNames(active, groupName);
        assertEquals(Map.of(partition, done), log.committedOffsets(groupName, Set.of(partition)));
        a.close();
        log.resetCommittedOffsets(groupName, Map.of(partition, offsets.get(1)));
        assertEquals(Map.of(partition, offsets.get(1)), log.committedOffsets(groupName, Set.of(partition)));
        TestMember c = join("C", group, spec);
        pollUntil("C reads from the reset offset", () -> c.received().size() >= 2, c);
        assertEquals(List.of("b", "c"), c.receivedTexts());
    }
}
