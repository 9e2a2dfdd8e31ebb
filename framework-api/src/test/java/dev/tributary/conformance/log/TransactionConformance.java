package dev.tributary.conformance.log;

import dev.tributary.api.PartitionFencedException;
import dev.tributary.api.PartitionOutOfRangeException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.api.WriterFencedException;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.TransactionalWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link TransactionalWriter} and {@link LogTransaction}: atomic units over several partitions and
 * streams plus a group's consumed offsets, fencing of stale group metadata and of older writers, and the offset
 * gaps that committed transactions leave where the backend declares that markers take offsets.
 */
public abstract class TransactionConformance extends LogConformanceSupport {

    // ---- visibility --------------------------------------------------------------------------------------------

    @Test
    void a_committed_transaction_makes_its_records_on_several_streams_visible_together() {
        StreamSpec orders = newStream("orders", 2);
        StreamSpec audit = newStream("audit", 1);
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();
        tx.append(orders.partition(0), records("o0-a", "o0-b"));
        tx.append(orders.partition(1), records("o1-a"));
        tx.append(audit.partition(0), records("audit-a"));

        Map<StreamPartition, List<Long>> offsets = tx.commit();

        assertEquals(Set.of(orders.partition(0), orders.partition(1), audit.partition(0)), offsets.keySet());
        Map<StreamPartition, List<String>> expected = Map.of(
                orders.partition(0), List.of("o0-a", "o0-b"),
                orders.partition(1), List.of("o1-a"),
                audit.partition(0), List.of("audit-a"));
        expected.forEach((partition, values) -> {
            List<Long> assigned = offsets.get(partition);
            assertEquals(values.size(), assigned.size(), "one offset per record appended to " + partition);
            assertIncreasing(assigned, "transaction to " + partition);
            assertTrue(log.endOffset(partition) > assigned.get(assigned.size() - 1),
                    partition + " must be visible as soon as commit returns: end offset " + log.endOffset(partition)
                            + ", offsets " + assigned);
        });
        expected.forEach((partition, values) -> {
            List<LogEntry> entries = readCount(partition, 0, values.size());
            assertEquals(values, texts(entries), partition.toString());
            assertEquals(offsets.get(partition), offsetsOf(entries), partition.toString());
        });
    }

    @Test
    void nothing_of_an_open_transaction_is_visible() {
        StreamSpec orders = newStream("orders", 2);
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();

        tx.append(orders.partition(0), records("pending-a", "pending-b"));
        tx.append(orders.partition(1), records("pending-c"));

        for (StreamPartition partition : partitionsOf(orders)) {
            assertEquals(0, log.endOffset(partition), "the end offset stops before open transactions");
            assertNothingVisible(partition, 0);
        }
        tx.commit();
        assertEquals(List.of("pending-a", "pending-b"), texts(readCount(orders.partition(0), 0, 2)));
    }

    @Test
    void an_aborted_transaction_leaves_nothing_visible_and_readers_continue_past_it() {
        StreamSpec orders = newStream("orders", 1);
        StreamSpec audit = newStream("audit", 1);
        StreamPartition partition = orders.partition(0);
        append(partition, "before");
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();
        tx.append(partition, records("aborted-1", "aborted-2"));
        tx.append(audit.partition(0), records("aborted-3"));

        tx.abort();

        append(partition, "after");
        append(audit.partition(0), "after");
        assertEquals(List.of("before", "after"), texts(readThrough(partition, 0, "after")));
        assertEquals(List.of("after"), texts(readThrough(audit.partition(0), 0, "after")));
        List<String> oneByOne = new ArrayList<>();
        long next = 0;
        for (int i = 0; i < 2; i++) {
            LogEntry entry = readCount(partition, next, 1).get(0);
            oneByOne.add(text(entry));
            next = entry.nextOffset();
        }
        assertEquals(List.of("before", "after"), oneByOne, "reading one entry at a time from nextOffset");
    }

    @Test
    void records_appended_to_one_partition_in_a_transaction_keep_their_order() {
        StreamSpec orders = newStream("orders", 2);
        StreamPartition partition = orders.partition(1);
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();
        tx.append(partition, records("a", "b"));
        tx.append(orders.partition(0), records("elsewhere"));
        tx.append(partition, records("c"));

        Map<StreamPartition, List<Long>> offsets = tx.commit();

        assertEquals(3, offsets.get(partition).size(), "offsets of " + partition + ": " + offsets);
        assertIncreasing(offsets.get(partition), "one partition in one transaction");
        List<LogEntry> entries = readCount(partition, 0, 3);
        assertEquals(List.of("a", "b", "c"), texts(entries));
        assertEquals(offsets.get(partition), offsetsOf(entries));
    }

    @Test
    void a_member_never_receives_records_of_open_or_aborted_transactions() {
        StreamSpec spec = newStream("orders", 1);
        StreamPartition partition = spec.partition(0);
        TestMember a = join("A", observe(newGroup("read-committed")), spec);
        pollUntil("A owns the partition", () -> owns(a, Set.of(partition)), a);
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction aborted = writer.begin();
        aborted.append(partition, records("aborted"));

        pollFor(QUIET, a);
        assertEquals(List.of(), a.receivedTexts(), "records of an open transaction");
        aborted.abort();
        LogTransaction committed = writer.begin();
        committed.append(partition, records("committed"));
        committed.commit();

        pollUntil("A receives the committed record", () -> a.receivedTexts().contains("committed"), a);
        assertEquals(List.of("committed"), a.receivedTexts());
    }

    // ---- gaps --------------------------------------------------------------------------------------------------

    @Test
    void offsets_have_gaps_exactly_where_the_backend_declares_that_transaction_markers_take_offsets() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        TransactionalWriter writer = writer(backend.unique("tx"));
        List<Long> offsets = new ArrayList<>(append(partition, "plain-1"));
        offsets.addAll(commit(writer, partition, "tx-1", "tx-2"));
        offsets.addAll(commit(writer, partition, "tx-3"));
        offsets.addAll(append(partition, "plain-2"));
        assertIncreasing(offsets, "appends and transactions");

        if (backend.declaredCapabilities().transactionMarkersTakeOffsets()) {
            assertTrue(offsets.get(3) > offsets.get(2) + 1, "a committed transaction leaves a gap: " + offsets);
            assertTrue(offsets.get(4) > offsets.get(3) + 1, "a committed transaction leaves a gap: " + offsets);
        } else {
            for (int i = 1; i < offsets.size(); i++) {
                assertEquals(offsets.get(i - 1) + 1, offsets.get(i), "no markers, no gaps: " + offsets);
            }
            assertEquals(offsets.get(4) + 1, log.endOffset(partition));
        }
        List<String> oneByOne = new ArrayList<>();
        List<Long> readOffsets = new ArrayList<>();
        long next = log.beginningOffset(partition);
        for (int i = 0; i < 5; i++) {
            LogEntry entry = readCount(partition, next, 1).get(0);
            oneByOne.add(text(entry));
            readOffsets.add(entry.offset());
            next = entry.nextOffset();
        }
        assertEquals(List.of("plain-1", "tx-1", "tx-2", "tx-3", "plain-2"), oneByOne,
                "reading one entry at a time, resuming from nextOffset across the gaps");
        assertEquals(offsets, readOffsets);
        assertNothingVisible(partition, next);
    }

    @Test
    void a_member_resumes_after_a_transaction_from_the_committed_next_offset() {
        StreamSpec spec = newStream("orders", 1);
        StreamPartition partition = spec.partition(0);
        TransactionalWriter writer = writer(backend.unique("tx"));
        commit(writer, partition, "tx-1");
        commit(writer, partition, "tx-2");
        commit(writer, partition, "tx-3");
        GroupObserver group = observe(newGroup("gaps"));
        TestMember a = join("A", group, spec);
        pollUntil("A reads all 3 records", () -> a.received().size() >= 3, a);
        LogEntry second = a.received().get(1);
        a.member().commitSync(Map.of(partition, second.nextOffset()));
        a.close();

        TestMember b = join("B", group, spec);
        pollUntil("B reads the rest", () -> !b.received().isEmpty(), b);
        pollFor(QUIET, b);

        assertEquals(List.of("tx-3"), b.receivedTexts(), "B resumes after tx-2 and skips whatever fills the gap");
    }

    // ---- consumed offsets --------------------------------------------------------------------------------------

    @Test
    void consumed_offsets_commit_together_with_the_appended_records() {
        StreamSpec in = newStream("commands", 1);
        StreamSpec out = newStream("events", 1);
        StreamPartition input = in.partition(0);
        append(input, "cmd-1", "cmd-2");
        TestMember a = join("A", observe(newGroup("exactly-once")), in);
        pollUntil("A reads both commands", () -> a.received().size() >= 2, a);
        long consumed = a.received().get(1).nextOffset();
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();
        tx.append(out.partition(0), records("evt-1", "evt-2"));
        tx.commitOffsets(Map.of(input, consumed), a.metadata());

        assertEquals(Map.of(), log.committedOffsets(a.member().group(), Set.of(input)), "offsets before commit");
        assertEquals(0, log.endOffset(out.partition(0)), "records before commit");
        Map<StreamPartition, List<Long>> offsets = tx.commit();

        assertEquals(Map.of(input, consumed), log.committedOffsets(a.member().group(), Set.of(input)));
        assertEquals(Set.of(out.partition(0)), offsets.keySet(), "offsets only for partitions appended to");
        assertEquals(List.of("evt-1", "evt-2"), texts(readCount(out.partition(0), 0, 2)));
    }

    @Test
    void a_transaction_of_consumed_offsets_only_commits_them() {
        StreamSpec in = newStream("commands", 1);
        StreamPartition input = in.partition(0);
        append(input, "cmd-1");
        TestMember a = join("A", observe(newGroup("offsets-only")), in);
        pollUntil("A reads the command", () -> a.received().size() >= 1, a);
        long consumed = a.received().get(0).nextOffset();
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();
        tx.commitOffsets(Map.of(input, consumed), a.metadata());

        Map<StreamPartition, List<Long>> offsets = tx.commit();

        assertEquals(Map.of(), offsets, "no records, no offsets");
        assertEquals(Map.of(input, consumed), log.committedOffsets(a.member().group(), Set.of(input)));
    }

    @Test
    void an_aborted_transaction_leaves_the_consumed_offsets_where_they_were() {
        StreamSpec in = newStream("commands", 1);
        StreamSpec out = newStream("events", 1);
        StreamPartition input = in.partition(0);
        append(input, "cmd-1", "cmd-2");
        TestMember a = join("A", observe(newGroup("abort-offsets")), in);
        pollUntil("A reads both commands", () -> a.received().size() >= 2, a);
        long first = a.received().get(0).nextOffset();
        a.member().commitSync(Map.of(input, first));
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();
        tx.append(out.partition(0), records("evt-aborted"));
        tx.commitOffsets(Map.of(input, a.received().get(1).nextOffset()), a.metadata());

        tx.abort();

        assertEquals(Map.of(input, first), log.committedOffsets(a.member().group(), Set.of(input)));
        append(out.partition(0), "after");
        assertEquals(List.of("after"), texts(readThrough(out.partition(0), 0, "after")));
    }

    @Test
    void offsets_of_a_superseded_generation_are_refused_and_nothing_of_the_transaction_applies() {
        StreamSpec in = newStream("commands", 2);
        StreamSpec out = newStream("events", 1);
        Set<StreamPartition> inputs = partitionsOf(in);
        GroupObserver group = observe(newGroup("stale"));
        TestMember a = join("A", group, in);
        pollUntil("A owns both input partitions", () -> owns(a, inputs), a);
        GroupMetadata stale = a.metadata();
        TestMember b = join("B", group, in);
        pollUntil("A and B split the input partitions", () -> splitAmong(inputs, a, b), a, b);
        assertTrue(a.metadata().generation() > stale.generation(),
                "B joining moves the group past generation " + stale.generation());
        StreamPartition stillOwned = a.assignment().iterator().next();
        List<Long> consumed = append(stillOwned, "cmd");
        pollUntil("A reads the command", () -> !a.received(stillOwned).isEmpty(), a, b);
        long next = a.received(stillOwned).get(0).nextOffset();
        assertEquals(consumed.get(0) + 1, next);
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction refused = writer.begin();
        refused.append(out.partition(0), records("evt-refused"));
        refused.commitOffsets(Map.of(stillOwned, next), stale);

        PartitionFencedException fenced = assertThrows(PartitionFencedException.class, refused::commit);

        assertNames(fenced, group.group());
        assertDoesNotThrow(refused::abort, "abort is safe after a failed commit");
        assertEquals(Map.of(), log.committedOffsets(group.group(), inputs), "a refused commit stores no offsets");
        LogTransaction accepted = writer.begin();
        accepted.append(out.partition(0), records("evt-accepted"));
        accepted.commitOffsets(Map.of(stillOwned, next), a.metadata());
        accepted.commit();
        assertEquals(Map.of(stillOwned, next), log.committedOffsets(group.group(), inputs));
        assertEquals(List.of("evt-accepted"), texts(readThrough(out.partition(0), 0, "evt-accepted")));
    }

    @Test
    void offsets_of_a_member_that_left_the_group_are_refused() {
        StreamSpec in = newStream("commands", 1);
        StreamSpec out = newStream("events", 1);
        StreamPartition input = in.partition(0);
        append(input, "cmd");
        TestMember a = join("A", observe(newGroup("left")), in);
        pollUntil("A reads the command", () -> !a.received().isEmpty(), a);
        GroupMetadata metadata = a.metadata();
        long next = a.received().get(0).nextOffset();
        a.close();
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction tx = writer.begin();
        tx.append(out.partition(0), records("evt-refused"));
        tx.commitOffsets(Map.of(input, next), metadata);

        assertThrows(PartitionFencedException.class, tx::commit);

        assertDoesNotThrow(tx::abort, "abort is safe after a failed commit");
        assertEquals(Map.of(), log.committedOffsets(metadata.group(), Set.of(input)));
        append(out.partition(0), "after");
        assertEquals(List.of("after"), texts(readThrough(out.partition(0), 0, "after")));
    }

    // ---- writers -----------------------------------------------------------------------------------------------

    @Test
    void a_newer_writer_with_the_same_id_fences_the_older_one() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        String id = backend.unique("writer");
        TransactionalWriter older = writer(id);
        LogTransaction open = older.begin();
        open.append(partition, records("older-open"));

        TransactionalWriter newer = writer(id);

        WriterFencedException fenced = assertThrows(WriterFencedException.class, open::commit);
        assertNames(fenced, id);
        assertDoesNotThrow(open::abort, "abort is safe after a failed commit");
        Throwable later = failureOf(() -> {
            LogTransaction tx = older.begin();
            tx.append(partition, records("older-later"));
            return tx.commit();
        });
        assertInstanceOf(WriterFencedException.class, later, "every later transaction of the fenced writer fails");
        LogTransaction tx = newer.begin();
        tx.append(partition, records("newer"));
        tx.commit();
        assertEquals(List.of("newer"), texts(readThrough(partition, 0, "newer")));
    }

    @Test
    void writers_with_different_ids_do_not_fence_each_other() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        TransactionalWriter first = writer(backend.unique("first"));
        TransactionalWriter second = writer(backend.unique("second"));
        LogTransaction one = first.begin();
        LogTransaction two = second.begin();
        one.append(partition, records("one"));
        two.append(partition, records("two"));

        one.commit();
        two.commit();

        assertEquals(Set.of("one", "two"), Set.copyOf(texts(readCount(partition, 0, 2))));
    }

    @Test
    void beginning_a_transaction_while_one_is_open_is_refused() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        TransactionalWriter writer = writer(backend.unique("tx"));
        LogTransaction open = writer.begin();
        open.append(partition, records("first"));

        assertThrows(IllegalStateException.class, writer::begin);

        open.commit();
        writer.begin().abort();
        LogTransaction third = writer.begin();
        third.append(partition, records("third"));
        third.commit();
        assertEquals(List.of("first", "third"), texts(readThrough(partition, 0, "third")));
    }

    @Test
    void closing_a_writer_aborts_its_open_transaction() {
        StreamPartition partition = newStream("orders", 1).partition(0);
        TransactionalWriter closing = writer(backend.unique("closing"));
        LogTransaction abandoned = closing.begin();
        abandoned.append(partition, records("abandoned"));

        close(closing);

        // The contract leaves open whether committing it now throws; it must not make anything visible.
        failureOrNothing(abandoned::commit);
        // Another id: on Kafka an open transaction would hold back every later record of the partition.
        commit(writer(backend.unique("other")), partition, "after");
        assertEquals(List.of("after"), texts(readThrough(partition, 0, "after")));
    }

    @Test
    void a_transaction_naming_an_unknown_stream_or_partition_fails_and_applies_nothing() {
        StreamSpec spec = newStream("orders", 2);
        StreamPartition valid = spec.partition(0);
        String missing = backend.unique("missing");
        TransactionalWriter writer = writer(backend.unique("tx"));

        LogTransaction unknown = writer.begin();
        unknown.append(valid, records("lost-1"));
        Throwable failure = failureOf(() -> {
            unknown.append(StreamPartition.of(missing, 0), records("lost-2"));
            return unknown.commit();
        });
        assertInstanceOf(UnknownStreamException.class, failure);
        assertNames(failure, missing);
        unknown.abort();

        LogTransaction outOfRange = writer.begin();
        outOfRange.append(valid, records("lost-3"));
        failure = failureOf(() -> {
            outOfRange.append(StreamPartition.of(spec.name(), 4711), records("lost-4"));
            return outOfRange.commit();
        });
        assertInstanceOf(PartitionOutOfRangeException.class, failure);
        assertTrue(failure.getMessage().replace(spec.name(), "").contains("4711"), failure.getMessage());
        outOfRange.abort();

        assertEquals(Optional.empty(), log.findStream(missing));
        assertEquals(spec, log.stream(spec.name()));
        commit(writer, valid, "after");
        assertEquals(List.of("after"), texts(readThrough(valid, 0, "after")));
        assertEquals(0, log.endOffset(spec.partition(1)));
    }

    private static void failureOrNothing(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException refused) {
            // Refusing is as good as committing nothing; what is visible afterwards is asserted by the caller.
        }
    }

    private static List<Long> commit(TransactionalWriter writer, StreamPartition partition, String... values) {
        LogTransaction tx = writer.begin();
        tx.append(partition, records(values));
        List<Long> offsets = tx.commit().get(partition);
        assertEquals(values.length, offsets.size());
        return offsets;
    }
}
