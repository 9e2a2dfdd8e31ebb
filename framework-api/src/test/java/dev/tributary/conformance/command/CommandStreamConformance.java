package dev.tributary.conformance.command;

import dev.tributary.api.GroupStatus;
import dev.tributary.api.Guarantee;
import dev.tributary.api.NoHandlerForCommandException;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.command.AccountCommands.CloseAccount;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.conformance.command.AccountEvents.AccountOpened;
import dev.tributary.conformance.command.AccountEvents.Deposited;
import dev.tributary.internal.command.CommandRouter;
import dev.tributary.internal.command.CommandRouter.RoutedCommand;
import dev.tributary.spi.KeyPartitioner;
import dev.tributary.spi.LogEntry;
import org.axonframework.commandhandling.CommandMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tributary.conformance.command.CommandHandlingConformance.payloads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands that travel on an aggregate stream's command stream, as processors send them: {@code route} picks the
 * partition, and the writers' group handles each command exactly once, committing its offset in the transaction
 * that appends its events, across instances that stop and start, rejections and failed commits; and
 * {@code Tributary.status} of the writers' group, which shows how far the handled commands reach.
 */
public abstract class CommandStreamConformance extends CommandConformanceSupport {

    @Test
    void route_names_the_command_stream_partition_of_the_target_aggregate_and_carries_the_command() {
        StreamSpec stream = newStream("accounts", 4);
        open(accounts(stream));
        CommandRouter router = router(stream);

        RoutedCommand routed = router.route(new Deposit("acc-9", 5), Map.of("user", "till-1"));

        assertEquals(new StreamPartition(commandStream(stream), KeyPartitioner.partitionFor("acc-9", 4)),
                routed.partition());
        assertEquals("acc-9", routed.record().key());
        LogEntry asRead = new LogEntry(routed.partition(), 0, routed.record().key(), routed.record().value(),
                routed.record().headers(), routed.record().timestamp());
        CommandMessage<?> command = codec.decodeCommand(asRead);
        assertEquals(new Deposit("acc-9", 5), command.getPayload());
        assertEquals("till-1", command.getMetaData().get("user"));
    }

    @Test
    void route_throws_no_handler_naming_a_command_that_no_aggregate_handles() {
        StreamSpec stream = newStream("accounts", 2);
        open(accounts(stream));
        CommandRouter router = router(stream);

        NoHandlerForCommandException e = assertThrows(NoHandlerForCommandException.class,
                () -> router.route(new CloseAccount("acc-1"), Map.of()));

        assertTrue(e.getMessage().contains(CloseAccount.class.getName()), e.getMessage());
    }

    @Test
    void commands_written_in_a_log_transaction_are_each_handled_exactly_once() {
        StreamSpec stream = newStream("accounts", 3);
        Tributary tributary = open(accounts(stream));
        List<String> ids = openAccounts(tributary, 6);
        CommandRouter router = router(stream);

        sendThroughCommandStream(router, deposits(ids, 1, 60));

        awaitDeposits(stream, ids, 60);
        assertBalances(tributary, ids, 1, 60);
    }

    @Test
    void commands_survive_their_writer_instance_closing_and_are_handled_once_by_the_next() {
        StreamSpec stream = newStream("accounts", 3);
        Tributary first = accounts(stream).instanceId("first").build();
        List<String> ids = openAccounts(first, 6);
        CommandRouter router = router(stream);

        // Closed while the first commands may still be in flight, then more arrive while no instance runs.
        sendThroughCommandStream(router, deposits(ids, 1, 300));
        first.close();
        sendThroughCommandStream(router, deposits(ids, 301, 360));
        Tributary second = open(accounts(stream).instanceId("second"));

        awaitDeposits(stream, ids, 360);
        assertBalances(second, ids, 1, 360);
    }

    @Test
    void a_command_its_aggregate_rejects_is_committed_with_no_events() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        CommandRouter router = router(stream);

        sendThroughCommandStream(router, List.of(new Deposit("acc-1", 0), new Deposit("acc-1", 5)));

        eventually("the writers committed both commands", () -> commandsAllCommitted(stream));
        assertEquals(List.of(new AccountOpened("acc-1", "ann"), new Deposited("acc-1", 5)),
                payloads(eventsOf(stream, "acc-1")));
    }

    @Test
    void commands_whose_transaction_failed_to_commit_are_read_again_and_handled_once() {
        FaultyEventLog faulty = new FaultyEventLog(log);
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream, faulty));
        List<String> ids = openAccounts(tributary, 4);
        CommandRouter router = router(stream);

        faulty.failNextCommits(2);
        sendThroughCommandStream(router, deposits(ids, 1, 40));

        awaitDeposits(stream, ids, 40);
        assertBalances(tributary, ids, 1, 40);
    }

    @Test
    void the_writers_group_status_shows_unhandled_commands_as_lag_and_reaches_zero_once_they_are_handled() {
        FaultyEventLog faulty = new FaultyEventLog(log);
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream, faulty));
        List<String> ids = openAccounts(tributary, 4);
        CommandRouter router = router(stream);
        String group = writersGroup(stream);

        // While no transaction can commit, the commands stay unhandled: read again and again, never committed.
        faulty.failNextCommits(Integer.MAX_VALUE);
        sendThroughCommandStream(router, deposits(ids, 1, 20));
        GroupStatus waiting = tributary.status(group);
        faulty.failNextCommits(0);

        assertTrue(waiting.totalLag() >= 20, waiting::toString);
        eventually("the writers' group has no lag", () -> tributary.status(group).totalLag() == 0);
        GroupStatus handled = tributary.status(group);
        assertEquals(group, handled.group());
        assertEquals(Guarantee.EXACTLY_ONCE, handled.guarantee());
        String commands = commandStream(stream);
        assertEquals(List.of(new StreamPartition(commands, 0), new StreamPartition(commands, 1)),
                handled.partitions().stream().map(PartitionStatus::partition).toList());
        for (PartitionStatus p : handled.partitions()) {
            // A partition that no command went to has no stored offset, and nothing to handle.
            if (p.endOffset() > log.beginningOffset(p.partition())) {
                assertEquals(p.endOffset(), p.storedOffset().orElseThrow(), p::toString);
            }
            assertTrue(p.owner().isPresent(), p::toString);
            assertFalse(p.stopped(), p::toString);
        }
        awaitDeposits(stream, ids, 20);
        assertBalances(tributary, ids, 1, 20);
    }

    @Test
    void status_of_the_writers_group_of_a_stream_this_instance_does_not_write_is_refused_by_name() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        String other = writersGroup(newStream("elsewhere", 2));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tributary.status(other));

        assertTrue(e.getMessage().contains("'" + other + "'"), e.getMessage());
    }
}
