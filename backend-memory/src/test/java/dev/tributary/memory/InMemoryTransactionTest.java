package dev.tributary.memory;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.WriterFencedException;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.RebalanceListener;
import dev.tributary.spi.TransactionalWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tributary.memory.InMemoryEventLogTest.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryTransactionTest {

    private final InMemoryEventLog log = InMemoryEventLog.create();
    private final StreamPartition in0 = StreamPartition.of("in", 0);
    private final StreamPartition out0 = StreamPartition.of("out", 0);
    private final StreamPartition out1 = StreamPartition.of("out", 1);

    InMemoryTransactionTest() {
        log.createStream(StreamSpec.of("in", 1));
        log.createStream(StreamSpec.of("out", 2));
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void a_transaction_is_invisible_until_it_commits_and_then_visible_on_every_partition_with_markers() {
        TransactionalWriter writer = log.transactionalWriter("w");
        LogTransaction tx = writer.begin();
        tx.append(out0, List.of(record("a"), record("b")));
        tx.append(out1, List.of(record("c")));
        tx.append(out0, List.of(record("d")));

        assertEquals(List.of(), log.read(out0, 0, 10, Duration.ZERO));
        assertEquals(0, log.endOffset(out0));

        Map<StreamPartition, List<Long>> offsets = tx.commit();

        assertEquals(Map.of(out0, List.of(0L, 1L, 2L), out1, List.of(0L)), offsets);
        assertEquals(4, log.endOffset(out0));
        assertEquals(2, log.endOffset(out1));
        assertEquals(List.of("a", "b", "d"), log.read(out0, 0, 10, Duration.ZERO).stream().map(LogEntry::key).toList());
    }

    @Test
    void an_aborted_transaction_leaves_no_trace() {
        TransactionalWriter writer = log.transactionalWriter("w");
        LogTransaction tx = writer.begin();
        tx.append(out0, List.of(record("a")));
        tx.commitOffsets(Map.of(in0, 5L), new GroupMetadata("g", 1, "nobody"));

        tx.abort();

        assertEquals(0, log.endOffset(out0));
        assertEquals(Map.of(), log.committedOffsets("g", Set.of(in0)));
        writer.begin().abort();
    }

    @Test
    void a_newer_writer_fences_the_open_and_every_later_transaction_of_the_older_one() {
        TransactionalWriter old = log.transactionalWriter("w");
        LogTransaction open = old.begin();
        open.append(out0, List.of(record("zombie")));

        TransactionalWriter newer = log.transactionalWriter("w");

        WriterFencedException fenced = assertThrows(WriterFencedException.class, open::commit);
        assertTrue(fenced.getMessage().contains("'w'"), fenced.getMessage());
        open.abort();
        assertThrows(WriterFencedException.class, old::begin);
        assertEquals(0, log.endOffset(out0));
        LogTransaction fresh = newer.begin();
        fresh.append(out0, List.of(record("alive")));
        fresh.commit();
        assertEquals(List.of("alive"), log.read(out0, 0, 10, Duration.ZERO).stream().map(LogEntry::key).toList());
    }

    @Test
    void a_writer_has_one_open_transaction_at_a_time() {
        TransactionalWriter writer = log.transactionalWriter("w");
        LogTransaction first = writer.begin();

        IllegalStateException refused = assertThrows(IllegalStateException.class, writer::begin);
        assertTrue(refused.getMessage().contains("'w'"), refused.getMessage());

        first.commit();
        writer.begin();
    }

    @Test
    void a_finished_transaction_refuses_more_work() {
        LogTransaction tx = log.transactionalWriter("w").begin();
        tx.commit();

        assertThrows(IllegalStateException.class, () -> tx.append(out0, List.of(record("late"))));
        assertThrows(IllegalStateException.class, tx::commit);
        assertThrows(IllegalStateException.class, tx::abort);
    }

    @Test
    void closing_a_writer_aborts_its_open_transaction() {
        TransactionalWriter writer = log.transactionalWriter("w");
        LogTransaction tx = writer.begin();
        tx.append(out0, List.of(record("a")));

        writer.close();

        assertThrows(IllegalStateException.class, tx::commit);
        assertThrows(IllegalStateException.class, writer::begin);
        assertEquals(0, log.endOffset(out0));
    }

    @Test
    void consumed_offsets_commit_together_with_the_records() {
        log.append(in0, List.of(record("input"))).join();
        GroupMember member = log.joinGroup("g", Set.of("in"), RebalanceListener.NONE);
        LogEntry input = member.poll(Duration.ZERO).get(0);
        LogTransaction tx = log.transactionalWriter("w").begin();
        tx.append(out0, List.of(record("output")));

        tx.commitOffsets(Map.of(in0, input.nextOffset()), member.groupMetadata());
        tx.commit();

        assertEquals(Map.of(in0, 1L), log.committedOffsets("g", Set.of(in0)));
        assertEquals(2, log.endOffset(out0));
    }

    @Test
    void a_commit_with_a_generation_the_group_has_moved_past_is_refused_and_applies_nothing() {
        GroupMember a = log.joinGroup("g", Set.of("in"), RebalanceListener.NONE);
        a.poll(Duration.ZERO);
        GroupMetadata stale = a.groupMetadata();
        GroupMember b = log.joinGroup("g", Set.of("in"), RebalanceListener.NONE);
        b.poll(Duration.ZERO);
        LogTransaction tx = log.transactionalWriter("w").begin();
        tx.append(out0, List.of(record("output")));
        tx.commitOffsets(Map.of(in0, 1L), stale);

        PartitionFencedException fenced = assertThrows(PartitionFencedException.class, tx::commit);

        assertTrue(fenced.getMessage().contains("generation 1"), fenced.getMessage());
        assertEquals(0, log.endOffset(out0));
        assertEquals(Map.of(), log.committedOffsets("g", Set.of(in0)));
        tx.abort();
    }

    @Test
    void a_commit_for_a_member_that_left_is_refused() {
        GroupMember member = log.joinGroup("g", Set.of("in"), RebalanceListener.NONE);
        member.poll(Duration.ZERO);
        GroupMetadata metadata = member.groupMetadata();
        member.close();
        LogTransaction tx = log.transactionalWriter("w").begin();
        tx.commitOffsets(Map.of(in0, 1L), metadata);

        PartitionFencedException fenced = assertThrows(PartitionFencedException.class, tx::commit);

        assertTrue(fenced.getMessage().contains(metadata.memberId()), fenced.getMessage());
    }

    @Test
    void closing_the_log_stops_writers() {
        TransactionalWriter writer = log.transactionalWriter("w");
        LogTransaction tx = writer.begin();

        log.close();

        assertThrows(IllegalStateException.class, tx::commit);
        assertThrows(IllegalStateException.class, writer::begin);
        writer.close();
    }
}
