package dev.tributary.memory;

import dev.tributary.api.GroupActiveException;
import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.RebalanceListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.tributary.memory.InMemoryEventLogTest.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryGroupMemberTest {

    private static final Duration MAX_POLL_INTERVAL = Duration.ofMillis(300);

    private final InMemoryEventLog log = InMemoryEventLog.builder().name("groups")
            .maxPollInterval(MAX_POLL_INTERVAL).maxPollRecords(10).build();
    private final StreamPartition p0 = StreamPartition.of("orders", 0);
    private final StreamPartition p1 = StreamPartition.of("orders", 1);
    private final StreamPartition p2 = StreamPartition.of("orders", 2);
    private final StreamPartition p3 = StreamPartition.of("orders", 3);

    InMemoryGroupMemberTest() {
        log.createStream(StreamSpec.of("orders", 4));
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void a_member_enters_its_group_at_its_first_poll_and_gets_every_partition() {
        RecordingListener listener = new RecordingListener();
        GroupMember member = log.joinGroup("g", Set.of("orders"), listener);
        assertEquals(0, log.describeGroup("g").generation());

        member.poll(Duration.ZERO);

        assertEquals(List.of("assigned [orders-0, orders-1, orders-2, orders-3] @1"), listener.calls);
        assertEquals(Set.of(p0, p1, p2, p3), member.assignment());
        GroupDescription description = log.describeGroup("g");
        assertEquals(1, description.generation());
        assertEquals(Map.of(p0, member.memberId(), p1, member.memberId(), p2, member.memberId(), p3, member.memberId()),
                description.owners());
        assertEquals(1, member.groupMetadata().generation());
        assertEquals(member.memberId(), member.groupMetadata().memberId());
    }

    @Test
    void a_partition_moves_only_after_its_owner_revoked_it_in_its_own_poll() {
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        GroupMember a = log.joinGroup("g", Set.of("orders"), first);
        a.poll(Duration.ZERO);
        GroupMember b = log.joinGroup("g", Set.of("orders"), second);

        b.poll(Duration.ZERO);

        assertEquals(List.of("assigned [] @2"), second.calls, "a still owns everything until it polls");
        assertEquals(Set.of(a.memberId()), Set.copyOf(log.describeGroup("g").owners().values()));

        a.poll(Duration.ZERO);
        b.poll(Duration.ZERO);

        assertEquals(List.of("assigned [orders-0, orders-1, orders-2, orders-3] @1", "revoked [orders-2, orders-3]",
                "assigned [] @2"), first.calls);
        assertEquals(List.of("assigned [] @2", "assigned [orders-2, orders-3] @2"), second.calls);
        assertEquals(Set.of(p0, p1), a.assignment());
        assertEquals(Set.of(p2, p3), b.assignment());
    }

    @Test
    void a_member_waiting_in_poll_takes_its_partitions_as_soon_as_their_owner_lets_go() throws Exception {
        GroupMember a = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        a.poll(Duration.ZERO);
        GroupMember b = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        log.append(p3, List.of(record("for-b"))).join();
        BlockingCall<List<LogEntry>> polled = BlockingCall.start(() -> b.poll(Duration.ofSeconds(30))).awaitBlocked();

        a.poll(Duration.ZERO);

        List<LogEntry> entries = polled.get(Duration.ofSeconds(5));
        assertEquals(List.of("for-b"), entries.stream().map(LogEntry::key).toList());
    }

    @Test
    void a_member_that_stops_polling_loses_its_partitions() throws Exception {
        RecordingListener stalled = new RecordingListener();
        GroupMember a = log.joinGroup("g", Set.of("orders"), stalled);
        // Taken before a's last poll: its eviction is due an interval after that poll, so no sooner than this.
        long start = System.nanoTime();
        a.poll(Duration.ZERO);
        String firstId = a.memberId();
        for (StreamPartition p : List.of(p0, p1, p2, p3)) {
            log.append(p, List.of(record("at-" + p))).join();
        }
        GroupMember b = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);

        // b waits in poll; a never polls again, so after the max poll interval b evicts it and takes everything.
        int received = 0;
        while (received < 4 && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            received += b.poll(Duration.ofSeconds(5)).size();
        }

        assertEquals(4, received);
        assertTrue(System.nanoTime() - start >= MAX_POLL_INTERVAL.toNanos(), "b must wait for a's eviction");
        assertEquals(Set.of(p0, p1, p2, p3), b.assignment());
        assertEquals(Set.of(b.memberId()), Set.copyOf(log.describeGroup("g").owners().values()));
        PartitionFencedException fenced =
                assertThrows(PartitionFencedException.class, () -> a.commitSync(Map.of(p0, 1L)));
        assertTrue(fenced.getMessage().contains("evicted"), fenced.getMessage());
        assertEquals(Map.of(), log.committedOffsets("g", Set.of(p0)));

        a.poll(Duration.ZERO);

        assertEquals("lost [orders-0, orders-1, orders-2, orders-3]", stalled.calls.get(1));
        assertTrue(stalled.calls.get(2).startsWith("assigned [] @"), stalled.calls.toString());
        assertNotEquals(firstId, a.memberId(), "an evicted member rejoins under a new id");
        assertEquals(Set.of(), a.assignment());
    }

    @Test
    void a_member_that_returns_after_the_interval_finds_itself_evicted_even_if_nobody_else_polled() throws Exception {
        RecordingListener stalled = new RecordingListener();
        GroupMember a = log.joinGroup("g", Set.of("orders"), stalled);
        a.poll(Duration.ZERO);
        int generation = a.groupMetadata().generation();
        // Nothing announces the passing of time: outwait the interval, with a margin.
        Thread.sleep(MAX_POLL_INTERVAL.toMillis() + 50);

        a.poll(Duration.ZERO);

        assertEquals("lost [orders-0, orders-1, orders-2, orders-3]", stalled.calls.get(1));
        assertEquals("assigned [orders-0, orders-1, orders-2, orders-3] @" + (generation + 2), stalled.calls.get(2));
    }

    @Test
    void a_member_waiting_in_a_long_poll_is_not_evicted() throws Exception {
        GroupMember a = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        a.poll(Duration.ZERO);
        String id = a.memberId();
        BlockingCall<List<LogEntry>> polled =
                BlockingCall.start(() -> a.poll(MAX_POLL_INTERVAL.multipliedBy(3))).awaitBlocked();

        assertEquals(List.of(), polled.get(Duration.ofSeconds(5)));

        assertEquals(id, a.memberId());
        assertEquals(Set.of(id), Set.copyOf(log.describeGroup("g").owners().values()));
    }

    @Test
    void closing_a_member_revokes_its_partitions_on_the_calling_thread_and_it_may_still_commit() {
        Map<String, Thread> revokedOn = new HashMap<>();
        GroupMember[] member = new GroupMember[1];
        RecordingListener listener = new RecordingListener().whenRevoked(partitions -> {
            revokedOn.put("thread", Thread.currentThread());
            member[0].commitSync(partitions.stream().collect(Collectors.toMap(p -> p, member[0]::position)));
        });
        member[0] = log.joinGroup("g", Set.of("orders"), listener);
        log.append(p1, List.of(record("x"), record("y"))).join();
        member[0].poll(Duration.ZERO);

        member[0].close();

        assertEquals("revoked [orders-0, orders-1, orders-2, orders-3]", listener.calls.get(1));
        assertEquals(Thread.currentThread(), revokedOn.get("thread"));
        assertEquals(Map.of(p0, 0L, p1, 3L, p2, 0L, p3, 0L), log.committedOffsets("g", Set.of(p0, p1, p2, p3)));
        GroupDescription description = log.describeGroup("g");
        assertEquals(Map.of(), description.owners());
        assertEquals(2, description.generation());
        assertThrows(IllegalStateException.class, () -> member[0].poll(Duration.ZERO));
    }

    @Test
    void newly_assigned_partitions_start_at_the_committed_offset_or_the_beginning() {
        log.append(p0, List.of(record("a"), record("b"), record("c"))).join();
        log.resetCommittedOffsets("g", Map.of(p0, 2L));
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);

        List<LogEntry> entries = member.poll(Duration.ZERO);

        assertEquals(List.of("c"), entries.stream().map(LogEntry::key).toList());
        assertEquals(0, member.position(p1));
    }

    @Test
    void offsets_cannot_be_reset_while_the_group_has_live_members() {
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);

        GroupActiveException active =
                assertThrows(GroupActiveException.class, () -> log.resetCommittedOffsets("g", Map.of(p0, 0L)));
        assertTrue(active.getMessage().contains("1 live member"), active.getMessage());

        member.close();
        log.resetCommittedOffsets("g", Map.of(p0, 0L));
        assertEquals(Map.of(p0, 0L), log.committedOffsets("g", Set.of(p0)));
    }

    @Test
    void a_poll_returns_at_most_max_poll_records_taking_the_partitions_in_turn() {
        for (StreamPartition p : List.of(p0, p1, p2, p3)) {
            log.append(p, java.util.Collections.nCopies(25, record(p.toString()))).join();
        }
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);

        List<List<LogEntry>> polls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            polls.add(member.poll(Duration.ZERO));
        }

        // Like a Kafka poll: one partition's entries in offset order until the limit, then the next partition's,
        // and every poll starts from another partition, so that none waits for the others to drain.
        for (List<LogEntry> poll : polls) {
            assertEquals(10, poll.size());
            for (int i = 1; i < poll.size(); i++) {
                LogEntry previous = poll.get(i - 1);
                LogEntry entry = poll.get(i);
                if (entry.partition().equals(previous.partition())) {
                    assertEquals(previous.nextOffset(), entry.offset(), "gap within " + entry.partition());
                }
            }
            assertTrue(poll.stream().map(LogEntry::partition).distinct().count() <= 2, poll.toString());
        }
        List<StreamPartition> firsts = polls.stream().limit(4).map(poll -> poll.get(0).partition()).toList();
        assertEquals(4, Set.copyOf(firsts).size(), "the first partition of each poll: " + firsts);
        Map<StreamPartition, Long> perPartition = polls.stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(LogEntry::partition, Collectors.counting()));
        assertEquals(Map.of(p0, 25L, p1, 25L, p2, 25L, p3, 25L), perPartition);
    }

    @Test
    void a_member_that_has_seen_everything_is_at_the_end_offset_past_the_commit_marker() {
        log.append(p0, List.of(record("a"), record("b"))).join();
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);

        assertEquals(2, member.poll(Duration.ZERO).size());

        assertEquals(log.endOffset(p0), member.position(p0));
        assertEquals(3, member.position(p0));
    }

    @Test
    void seek_moves_the_position_and_is_refused_for_a_partition_not_assigned() {
        log.append(p0, List.of(record("a"), record("b"))).join();
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);

        member.seek(p0, 1);

        assertEquals(List.of("b"), member.poll(Duration.ZERO).stream().map(LogEntry::key).toList());
        GroupMember other = log.joinGroup("other", Set.of("orders"), RebalanceListener.NONE);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> other.seek(p0, 0));
        assertTrue(refused.getMessage().contains("orders-0"), refused.getMessage());
    }

    @Test
    void paused_partitions_return_nothing_until_resumed() {
        log.append(p0, List.of(record("a"))).join();
        log.append(p1, List.of(record("b"))).join();
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);
        member.seek(p0, 0);
        member.seek(p1, 0);

        member.pause(Set.of(p0));

        assertEquals(List.of("b"), member.poll(Duration.ZERO).stream().map(LogEntry::key).toList());
        assertEquals(List.of(), member.poll(Duration.ZERO));
        member.resume(Set.of(p0));
        assertEquals(List.of("a"), member.poll(Duration.ZERO).stream().map(LogEntry::key).toList());
    }

    @Test
    void a_commit_for_a_partition_the_member_does_not_own_is_fenced_and_stores_nothing() {
        GroupMember a = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        a.poll(Duration.ZERO);
        GroupMember b = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        b.poll(Duration.ZERO);

        PartitionFencedException fenced =
                assertThrows(PartitionFencedException.class, () -> b.commitSync(Map.of(p3, 1L)));

        assertTrue(fenced.getMessage().contains("orders-3"), fenced.getMessage());
        assertEquals(Map.of(), log.committedOffsets("g", Set.of(p3)));
        a.commitSync(Map.of(p3, 1L));
        assertEquals(Map.of(p3, 1L), log.committedOffsets("g", Set.of(p3)));
    }

    @Test
    void wakeup_makes_a_blocked_poll_return_early() throws Exception {
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);
        BlockingCall<List<LogEntry>> polled = BlockingCall.start(() -> member.poll(Duration.ofSeconds(30))).awaitBlocked();

        member.wakeup();

        assertEquals(List.of(), polled.get(Duration.ofSeconds(5)));
    }

    @Test
    void a_blocked_poll_wakes_up_for_an_entry_in_an_assigned_partition() throws Exception {
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);
        BlockingCall<List<LogEntry>> polled = BlockingCall.start(() -> member.poll(Duration.ofSeconds(30))).awaitBlocked();

        log.append(p2, List.of(record("news"))).join();

        assertEquals(List.of("news"), polled.get(Duration.ofSeconds(5)).stream().map(LogEntry::key).toList());
    }

    @Test
    void using_a_member_from_two_threads_at_once_is_refused() throws Exception {
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);
        BlockingCall<List<LogEntry>> polled = BlockingCall.start(() -> member.poll(Duration.ofSeconds(30))).awaitBlocked();

        assertThrows(ConcurrentModificationException.class, () -> member.position(p0));

        member.wakeup();
        polled.get(Duration.ofSeconds(5));
    }

    @Test
    void closing_the_log_makes_a_blocked_poll_fail_naming_the_log() throws Exception {
        GroupMember member = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);
        BlockingCall<List<LogEntry>> polled = BlockingCall.start(() -> member.poll(Duration.ofSeconds(30))).awaitBlocked();

        log.close();

        Throwable failure = polled.failure(Duration.ofSeconds(5));
        assertTrue(failure instanceof IllegalStateException, String.valueOf(failure));
        assertTrue(failure.getMessage().contains("'groups' is closed"), failure.getMessage());
        member.close();
    }

    @Test
    void the_generation_grows_with_every_membership_change() {
        GroupMember a = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        a.poll(Duration.ZERO);
        GroupMember b = log.joinGroup("g", Set.of("orders"), RebalanceListener.NONE);
        b.poll(Duration.ZERO);
        assertEquals(2, log.describeGroup("g").generation());

        b.close();
        assertEquals(3, log.describeGroup("g").generation());
        a.poll(Duration.ZERO);

        assertEquals(3, a.groupMetadata().generation());
        assertEquals(Set.of(p0, p1, p2, p3), a.assignment());
    }
}
