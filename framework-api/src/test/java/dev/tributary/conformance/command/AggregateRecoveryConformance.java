package dev.tributary.conformance.command;

import dev.tributary.api.Event;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.DepositThenFail;
import dev.tributary.conformance.command.AccountCommands.DepositTwice;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.conformance.command.AccountCommands.SlowDeposit;
import dev.tributary.conformance.command.AccountEvents.Deposited;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static dev.tributary.conformance.command.CommandHandlingConformance.sequences;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a writer gets an aggregate it does not hold: rebuilt from the log (no cache, a cache too small, a new
 * instance on the same log), with state and sequence numbers continuing exactly, and never while a log transaction
 * of the writer is open (a read can take long, and Kafka aborts a transaction that stays open past its timeout);
 * and what a writer drops when a command or its commit fails, so that nothing half-applied survives.
 */
public abstract class AggregateRecoveryConformance extends CommandConformanceSupport {

    /** How long the command that holds up a writer runs, so that the commands sent after it queue up. */
    private static final long HOLD_UP_MILLIS = 300;

    @Test
    void without_a_cache_every_command_rebuilds_its_aggregate_from_the_log() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream).aggregateCacheSize(0));
        await(tributary.send(new OpenAccount("acc-1", "ann")));

        long first = await(tributary.<Long>send(new Deposit("acc-1", 10)));
        await(tributary.send(new DepositTwice("acc-1", 5)));
        long last = await(tributary.<Long>send(new Deposit("acc-1", 1)));

        assertEquals(10, first);
        assertEquals(21, last);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), sequences(eventsOf(stream, "acc-1")));
    }

    @Test
    void with_a_cache_of_one_alternating_aggregates_are_rebuilt_with_their_full_state() {
        StreamSpec stream = newStream("accounts", 1);
        Tributary tributary = open(accounts(stream).aggregateCacheSize(1));
        await(tributary.send(new OpenAccount("acc-a", "ann")));
        await(tributary.send(new OpenAccount("acc-b", "bob")));

        long a = 0;
        long b = 0;
        for (int i = 1; i <= 20; i++) {
            a = await(tributary.<Long>send(new Deposit("acc-a", i)));
            b = await(tributary.<Long>send(new Deposit("acc-b", 2L * i)));
        }

        assertEquals(210, a);
        assertEquals(420, b);
        assertEquals(21, eventsOf(stream, "acc-a").size());
        assertEquals(20L, eventsOf(stream, "acc-b").get(20).sequenceNumber());
    }

    @Test
    void a_new_instance_on_the_same_log_continues_each_aggregates_state_and_sequence_numbers() {
        StreamSpec stream = newStream("accounts", 3);
        Tributary first = accounts(stream).instanceId("first").build();
        for (int i = 0; i < 6; i++) {
            await(first.send(new OpenAccount("acc-" + i, "owner")));
            await(first.send(new DepositTwice("acc-" + i, i)));
        }
        first.close();

        Tributary second = open(accounts(stream).instanceId("second"));
        for (int i = 0; i < 6; i++) {
            long balance = await(second.<Long>send(new Deposit("acc-" + i, 100)));
            assertEquals(2L * i + 100, balance, "balance of acc-" + i);
            assertEquals(List.of(0L, 1L, 2L, 3L), sequences(eventsOf(stream, "acc-" + i)), "acc-" + i);
        }
    }

    @Test
    void without_a_cache_queued_commands_share_transactions_but_no_aggregate_is_read_while_one_is_open() {
        FaultyEventLog recording = new FaultyEventLog(log);
        // One partition, so one writer: every read during an open transaction is that writer's.
        StreamSpec stream = newStream("accounts", 1);
        Tributary tributary = open(accounts(stream, recording).aggregateCacheSize(0));
        String holder = openAccounts(tributary, 1).get(0);
        List<String> ids = openAccounts(tributary, 10);
        int transactionsBefore = recording.transactionsOpenFor().size();

        // Queued behind a slow command, the deposits reach the writer together; with no cache, every aggregate a
        // transaction has not touched yet must be rebuilt from the log.
        List<CompletableFuture<Long>> results = new ArrayList<>();
        results.add(tributary.send(new SlowDeposit(holder, 1, HOLD_UP_MILLIS)));
        for (Deposit deposit : deposits(ids, 1, 100)) {
            results.add(tributary.send(deposit));
        }
        results.forEach(CommandConformanceSupport::await);

        assertNoReadWhileATransactionWasOpen(recording);
        int transactions = recording.transactionsOpenFor().size() - transactionsBefore;
        assertTrue(transactions < results.size(), "the queued commands shared transactions: " + transactions
                + " transaction(s) for " + results.size() + " commands");
        assertBalances(tributary, ids, 1, 100);
    }

    @Test
    void after_a_restart_many_cold_aggregates_are_rebuilt_outside_any_transaction_and_continue_exactly() {
        StreamSpec stream = newStream("accounts", 1);
        List<String> ids = accountIds(100);
        Tributary first = open(accounts(stream).instanceId("first"));
        sendToEach(first, ids, id -> new OpenAccount(id, "owner"));
        sendToEach(first, ids, id -> new DepositTwice(id, 5));
        first.close();

        FaultyEventLog recording = new FaultyEventLog(log);
        Tributary second = open(accounts(stream, recording).instanceId("second"));
        // Queued behind a slow command, the deposits reach the writer together, each for an aggregate it has never
        // held; one partition, so one writer, and every read during an open transaction is that writer's.
        String holder = ids.get(0);
        CompletableFuture<Long> heldUp = second.send(new SlowDeposit(holder, 1, HOLD_UP_MILLIS));
        Map<String, CompletableFuture<Long>> balances = new LinkedHashMap<>();
        for (int i = 1; i < ids.size(); i++) {
            balances.put(ids.get(i), second.send(new Deposit(ids.get(i), 100 + i)));
        }

        assertEquals(11, await(heldUp));
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(10 + 100 + i, await(balances.get(ids.get(i))), "balance of " + ids.get(i));
        }
        assertNoReadWhileATransactionWasOpen(recording);
        assertEachHasSequences(stream, ids, List.of(0L, 1L, 2L, 3L));
    }

    @Test
    void after_a_restart_the_first_command_to_each_aggregate_reads_nothing_beyond_the_start_up_scan() {
        StreamSpec stream = newStream("accounts", 1);
        List<String> ids = accountIds(100);
        // Interleaved, as aggregates that live side by side write: each one's events spread over the partition.
        Tributary first = open(accounts(stream).instanceId("first"));
        sendToEach(first, ids, id -> new OpenAccount(id, "owner"));
        for (int round = 0; round < 3; round++) {
            sendToEach(first, ids, id -> new Deposit(id, 1));
        }
        first.close();
        long events = events(stream).size();

        FaultyEventLog recording = new FaultyEventLog(log);
        Tributary second = open(accounts(stream, recording).instanceId("second"));
        sendToEach(second, ids, id -> new Deposit(id, 10));

        assertEquals(400, events);
        // The scan that indexes the partition reads each event once; rebuilding each of the 100 aggregates from
        // the log again would read its events back, and the ones between them.
        assertEquals(events, recording.entriesRead(stream.name()), "entries read from " + stream.name());
        assertEachHasSequences(stream, ids, List.of(0L, 1L, 2L, 3L, 4L));
    }

    @Test
    void a_command_that_fails_after_applying_leaves_the_live_aggregate_as_the_log_has_it() {
        StreamSpec stream = newStream("accounts", 1);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        var before = tributary.<Long>send(new Deposit("acc-1", 1));
        var failing = tributary.<Void>send(new DepositThenFail("acc-1", 500));
        var after = tributary.<Long>send(new Deposit("acc-1", 2));

        assertEquals(1, await(before));
        assertSame(IllegalStateException.class, failure(failing).getClass());
        assertEquals(3, await(after), "the deposit applied by the failed command is gone");
        assertEquals(List.of(0L, 1L, 2L), sequences(eventsOf(stream, "acc-1")));
    }

    @Test
    void a_failed_commit_fails_its_commands_and_discards_their_changes_to_live_aggregates() {
        FaultyEventLog faulty = new FaultyEventLog(log);
        StreamSpec stream = newStream("accounts", 1);
        Tributary tributary = open(accounts(stream, faulty));
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        await(tributary.send(new Deposit("acc-1", 1)));

        faulty.failNextCommits(1);
        Throwable failure = failure(tributary.send(new DepositTwice("acc-1", 50)));
        long balance = await(tributary.<Long>send(new Deposit("acc-1", 2)));

        assertInstanceOf(FaultyEventLog.LogUnavailableException.class, failure);
        assertEquals(3, balance, "the uncommitted deposits are not in the live aggregate");
        List<Event> events = eventsOf(stream, "acc-1");
        assertEquals(List.of(0L, 1L, 2L), sequences(events));
        assertEquals(new Deposited("acc-1", 2), events.get(2).payload());
    }

    /** Ids of {@code count} accounts no other test uses. */
    private List<String> accountIds(int count) {
        String prefix = backend.unique("acc");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + "-" + i);
        }
        return ids;
    }

    /** Sends one command to each account, all at once, and waits for every one. */
    private static void sendToEach(Tributary tributary, List<String> ids, Function<String, Object> command) {
        ids.stream().map(id -> tributary.send(command.apply(id))).toList().forEach(CommandConformanceSupport::await);
    }

    /** Every account's events in the stream carry exactly these sequence numbers, in log order. */
    private void assertEachHasSequences(StreamSpec stream, List<String> ids, List<Long> expected) {
        Map<String, List<Event>> byAggregate = new LinkedHashMap<>();
        events(stream).forEach(e -> byAggregate.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e));
        for (String id : ids) {
            assertEquals(expected, sequences(byAggregate.get(id)), "sequence numbers of " + id);
        }
    }

    private static void assertNoReadWhileATransactionWasOpen(FaultyEventLog recording) {
        List<String> reads = recording.readsInOpenTransactions();
        assertTrue(reads.isEmpty(), reads.size() + " read(s) while a transaction was open, the first: "
                + reads.subList(0, Math.min(5, reads.size())));
    }
}
