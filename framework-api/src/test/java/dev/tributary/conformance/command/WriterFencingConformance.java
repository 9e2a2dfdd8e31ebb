package dev.tributary.conformance.command;

import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.api.WriterFencedException;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.internal.command.CommandRouter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.tributary.conformance.command.CommandHandlingConformance.sequences;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances on one log: the newer one's writers fence the older one's, whose commands then fail with
 * {@link WriterFencedException} and append nothing, while the newer one carries on from what the log holds,
 * including the commands on the command stream.
 */
public abstract class WriterFencingConformance extends CommandConformanceSupport {

    @Test
    void a_newer_instance_fences_the_older_ones_commands_which_append_nothing() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary older = open(accounts(stream).instanceId("older"));
        await(older.send(new OpenAccount("acc-1", "ann")));
        await(older.send(new Deposit("acc-1", 1)));

        Tributary newer = open(accounts(stream).instanceId("newer"));
        Throwable fenced = failure(older.send(new Deposit("acc-1", 10)));
        long balance = await(newer.<Long>send(new Deposit("acc-1", 100)));

        assertInstanceOf(WriterFencedException.class, fenced);
        assertEquals(101, balance, "the newer instance rebuilt the aggregate from the log");
        assertEquals(List.of(0L, 1L, 2L), sequences(eventsOf(stream, "acc-1")));
    }

    @Test
    void a_fenced_instance_refuses_later_commands_for_the_partition_with_a_clear_error() {
        StreamSpec stream = newStream("accounts", 1);
        Tributary older = open(accounts(stream).instanceId("older"));
        await(older.send(new OpenAccount("acc-1", "ann")));
        open(accounts(stream).instanceId("newer"));
        failure(older.send(new Deposit("acc-1", 10)));

        Throwable refused = failure(older.send(new Deposit("acc-1", 20)));

        assertInstanceOf(WriterFencedException.class, refused);
        assertTrue(refused.getMessage().contains("'older' no longer writes " + stream.name() + "-0"),
                refused.getMessage());
        assertEquals(List.of(0L), sequences(eventsOf(stream, "acc-1")));
    }

    @Test
    void once_fenced_the_older_instance_leaves_the_command_stream_to_the_newer_one() {
        StreamSpec stream = newStream("accounts", 4);
        Tributary older = open(accounts(stream).instanceId("older"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add("acc-" + i);
            await(older.send(new OpenAccount("acc-" + i, "owner")));
        }
        Tributary newer = open(accounts(stream).instanceId("newer"));
        CommandRouter router = router(stream);

        // Both instances are in the writers' group now; the older one learns it was fenced from its first commit.
        sendThroughCommandStream(router, deposits(ids, 1, 80));

        eventually("the writers committed every command", () -> commandsAllCommitted(stream));
        long deposits = ids.stream().mapToLong(id -> eventsOf(stream, id).size() - 1).sum();
        assertEquals(80, deposits, "each command applied exactly once");
        assertBalances(newer, ids, 1, 80);
    }
}
