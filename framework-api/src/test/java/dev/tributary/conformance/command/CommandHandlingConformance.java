package dev.tributary.conformance.command;

import dev.tributary.api.Event;
import dev.tributary.api.NoHandlerForCommandException;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.api.UnknownStreamException;
import dev.tributary.conformance.command.AccountCommands.CloseAccount;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.DepositThenFail;
import dev.tributary.conformance.command.AccountCommands.DepositTwice;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.conformance.command.AccountCommands.RejectedAmountException;
import dev.tributary.conformance.command.AccountCommands.SlowDeposit;
import dev.tributary.conformance.command.AccountEvents.AccountOpened;
import dev.tributary.conformance.command.AccountEvents.Deposited;
import dev.tributary.conformance.command.TestCounter.CounterCreated;
import dev.tributary.conformance.command.TestCounter.CreateCounter;
import dev.tributary.conformance.command.TestCounter.Increment;
import dev.tributary.spi.KeyPartitioner;
import dev.tributary.spi.LogEntry;
import org.axonframework.messaging.Headers;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@code Tributary.send} handles a command: routing by target aggregate id, the result or exception handed back
 * unchanged, the events appended atomically with their aggregate headers in the aggregate's partition, commands
 * queued together sharing transactions for a bounded time, and the failures that append nothing. Also
 * {@code publish} and {@code close}.
 */
public abstract class CommandHandlingConformance extends CommandConformanceSupport {

    @Test
    void a_creating_command_returns_the_new_aggregate_id_and_appends_its_event_with_aggregate_headers() {
        StreamSpec stream = newStream("accounts", 4);
        Tributary tributary = open(accounts(stream));

        Object id = await(tributary.send(new OpenAccount("acc-1", "ann")));

        assertEquals("acc-1", id);
        StreamPartition partition = log.partitionFor(stream.name(), "acc-1");
        List<LogEntry> entries = entries(partition);
        assertEquals(1, entries.size(), "one event: " + entries);
        LogEntry entry = entries.get(0);
        assertEquals("acc-1", entry.key());
        assertEquals("acc-1", text(entry, Headers.AGGREGATE_ID));
        assertEquals(0L, ByteBuffer.wrap(entry.headers().get(Headers.AGGREGATE_SEQ)).getLong());
        assertEquals("TestAccount", text(entry, Headers.AGGREGATE_TYPE));
        assertEquals(AccountOpened.class.getName(), text(entry, Headers.MESSAGE_TYPE));
        Event event = codec.decode(entry);
        assertEquals(new AccountOpened("acc-1", "ann"), event.payload());
        assertEquals(0, event.sequenceNumber());
    }

    @Test
    void the_handler_result_completes_the_future_once_its_events_are_in_the_log() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));

        long balance = await(tributary.<Long>send(new Deposit("acc-1", 30)));
        long balanceAfterSecond = await(tributary.<Long>send(new Deposit("acc-1", 12)));

        assertEquals(30, balance);
        assertEquals(42, balanceAfterSecond);
        assertEquals(List.of(new AccountOpened("acc-1", "ann"), new Deposited("acc-1", 30), new Deposited("acc-1", 12)),
                payloads(eventsOf(stream, "acc-1")), "visible as soon as the futures completed");
    }

    @Test
    void a_checked_exception_from_the_handler_fails_the_future_unchanged_and_appends_nothing() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        Map<StreamPartition, Long> before = endOffsets(stream);

        Throwable failure = failure(tributary.send(new Deposit("acc-1", 0)));

        assertSame(RejectedAmountException.class, failure.getClass(), "not wrapped: " + failure);
        assertEquals("an amount must be positive, got 0", failure.getMessage());
        assertEquals(before, endOffsets(stream));
    }

    @Test
    void an_unchecked_exception_after_applying_fails_the_future_unchanged_and_leaves_no_trace_of_the_event() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        await(tributary.send(new Deposit("acc-1", 5)));
        Map<StreamPartition, Long> before = endOffsets(stream);

        Throwable failure = failure(tributary.send(new DepositThenFail("acc-1", 1_000)));

        assertSame(IllegalStateException.class, failure.getClass(), "not wrapped: " + failure);
        assertEquals(before, endOffsets(stream));
        long balance = await(tributary.<Long>send(new Deposit("acc-1", 1)));
        assertEquals(6, balance, "the live aggregate was discarded with the half-applied deposit");
        assertEquals(List.of(0L, 1L, 2L), sequences(eventsOf(stream, "acc-1")));
    }

    @Test
    void all_events_of_one_command_are_appended_together_with_consecutive_sequence_numbers() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));

        await(tributary.send(new DepositTwice("acc-1", 7)));
        long balance = await(tributary.<Long>send(new Deposit("acc-1", 1)));

        assertEquals(15, balance);
        List<Event> events = eventsOf(stream, "acc-1");
        assertEquals(List.of(0L, 1L, 2L, 3L), sequences(events));
        assertEquals(events.get(1).offset() + 1, events.get(2).offset(),
                "the two events of one command are adjacent in the log: " + events);
    }

    @Test
    void each_aggregate_events_land_in_the_partition_of_its_id_keyed_by_it() {
        StreamSpec stream = newStream("accounts", 4);
        Tributary tributary = open(accounts(stream));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add("acc-" + i);
            await(tributary.send(new OpenAccount("acc-" + i, "owner-" + i)));
            await(tributary.send(new Deposit("acc-" + i, i + 1)));
        }

        List<Event> events = events(stream);

        assertEquals(24, events.size());
        for (Event event : events) {
            assertEquals(KeyPartitioner.partitionFor(event.aggregateId(), stream.partitions()), event.partition(),
                    "partition of " + event.aggregateId());
            assertEquals(event.aggregateId(), event.key());
        }
        for (String id : ids) {
            assertEquals(List.of(0L, 1L), sequences(eventsOf(stream, id)), id);
        }
    }

    @Test
    void commands_for_one_aggregate_apply_in_the_order_they_were_sent() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        List<CompletableFuture<Long>> results = new ArrayList<>();

        for (int amount = 1; amount <= 200; amount++) {
            results.add(tributary.send(new Deposit("acc-1", amount)));
        }

        long expected = 0;
        for (int amount = 1; amount <= 200; amount++) {
            expected += amount;
            assertEquals(expected, await(results.get(amount - 1)), "balance after deposit " + amount);
        }
        List<Event> events = eventsOf(stream, "acc-1");
        for (int amount = 1; amount <= 200; amount++) {
            assertEquals(new Deposited("acc-1", amount), events.get(amount).payload());
            assertEquals(amount, events.get(amount).sequenceNumber());
        }
    }

    @Test
    void queued_commands_share_a_transaction_only_for_a_bounded_time_however_many_are_waiting() {
        FaultyEventLog recording = new FaultyEventLog(log);
        StreamSpec stream = newStream("accounts", 1);
        Tributary tributary = open(accounts(stream, recording));
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        int commands = 60;
        long handlerMillis = 50;
        List<CompletableFuture<Long>> results = new ArrayList<>();

        // All queued at once: a writer that took every waiting command into one transaction would hold it open for
        // nearly all of their handlers' time.
        for (int amount = 1; amount <= commands; amount++) {
            results.add(tributary.send(new SlowDeposit("acc-1", amount, handlerMillis)));
        }

        assertEquals(commands * (commands + 1) / 2, await(results.get(commands - 1)));
        Duration handlersTime = Duration.ofMillis(commands * handlerMillis);
        Duration longest = recording.transactionsOpenFor().stream().max(Comparator.naturalOrder()).orElseThrow();
        assertTrue(longest.compareTo(handlersTime.dividedBy(2)) < 0, "the longest transaction stayed open for "
                + longest + " of the handlers' " + handlersTime);
        assertEquals(commands + 1, eventsOf(stream, "acc-1").size());
    }

    @Test
    void command_metadata_is_carried_by_the_events_the_command_applies() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));

        await(tributary.send(new OpenAccount("acc-1", "ann"), Map.of("user", "till-7")));
        await(tributary.send(new DepositTwice("acc-1", 3), Map.of("user", "till-8", "shift", 2)));

        List<Event> events = eventsOf(stream, "acc-1");
        assertEquals("till-7", events.get(0).metaData().get("user"));
        for (Event deposit : events.subList(1, 3)) {
            assertEquals("till-8", deposit.metaData().get("user"));
            assertEquals("2", deposit.metaData().get("shift"));
        }
    }

    @Test
    void a_command_no_aggregate_handles_fails_the_future_with_no_handler_naming_it_and_appends_nothing() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        Map<StreamPartition, Long> before = endOffsets(stream);

        CompletableFuture<Object> result = assertDoesNotThrow(() -> tributary.send(new CloseAccount("acc-1")));

        Throwable failure = failure(result);
        assertInstanceOf(NoHandlerForCommandException.class, failure);
        assertTrue(failure.getMessage().contains(CloseAccount.class.getName()), failure.getMessage());
        assertEquals(before, endOffsets(stream));
    }

    @Test
    void a_command_without_a_target_id_fails_the_future_with_no_handler_naming_its_field_and_appends_nothing() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        Map<StreamPartition, Long> before = endOffsets(stream);

        CompletableFuture<Object> result = assertDoesNotThrow(() -> tributary.send(new Deposit(null, 5)));

        Throwable failure = failure(result);
        assertInstanceOf(NoHandlerForCommandException.class, failure);
        assertTrue(failure.getMessage().contains(Deposit.class.getName()), failure.getMessage());
        assertTrue(failure.getMessage().contains("'accountId'"), failure.getMessage());
        assertEquals(before, endOffsets(stream));
    }

    @Test
    void a_command_for_an_aggregate_that_does_not_exist_fails_with_axons_aggregate_not_found() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));

        Throwable failure = failure(tributary.send(new Deposit("nobody", 5)));

        assertInstanceOf(AggregateNotFoundException.class, failure);
        assertEquals(List.of(), events(stream));
    }

    @Test
    void creating_an_aggregate_under_an_id_that_exists_fails_and_appends_nothing() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream));
        await(tributary.send(new OpenAccount("acc-1", "ann")));

        Throwable failure = failure(tributary.send(new OpenAccount("acc-1", "bob")));
        long balance = await(tributary.<Long>send(new Deposit("acc-1", 1)));

        assertInstanceOf(AggregateStreamCreationException.class, failure);
        assertEquals(1, balance);
        assertEquals(List.of(new AccountOpened("acc-1", "ann"), new Deposited("acc-1", 1)),
                payloads(eventsOf(stream, "acc-1")));
    }

    @Test
    void each_command_reaches_the_aggregate_type_that_handles_it() {
        StreamSpec accountStream = newStream("accounts", 2);
        StreamSpec counterStream = newStream("counters", 3);
        Tributary tributary = open(accounts(accountStream).stream(counterStream)
                .aggregate(TestCounter.class, counterStream.name()));

        await(tributary.send(new OpenAccount("x-1", "ann")));
        await(tributary.send(new CreateCounter("x-2")));
        long value = await(tributary.<Long>send(new Increment("x-2")));

        assertEquals(1, value);
        assertEquals(List.of(new AccountOpened("x-1", "ann")), payloads(events(accountStream)));
        assertEquals(List.of(new CounterCreated("x-2"), new TestCounter.Incremented("x-2")),
                payloads(events(counterStream)));
    }

    @Test
    void publish_appends_the_event_to_the_partition_of_its_key() {
        StreamSpec stream = newStream("prices", 4);
        Tributary tributary = open(Tributary.builder().eventLog(log).stream(stream));

        await(tributary.publish(stream.name(), "sku-9", new Deposited("sku-9", 3), Map.of("source", "feed")));

        List<LogEntry> entries = entries(log.partitionFor(stream.name(), "sku-9"));
        assertEquals(1, entries.size());
        Event event = codec.decode(entries.get(0));
        assertEquals(new Deposited("sku-9", 3), event.payload());
        assertEquals("sku-9", event.key());
        assertEquals("feed", event.metaData().get("source"));
        assertNull(event.aggregateId(), "a published event belongs to no aggregate");
    }

    @Test
    void publish_to_an_unknown_stream_fails_the_future_naming_the_stream() {
        Tributary tributary = open(Tributary.builder().eventLog(log));
        String missing = backend.unique("missing");

        CompletableFuture<Void> result = assertDoesNotThrow(() -> tributary.publish(missing, "k", "v"));

        Throwable failure = failure(result);
        assertInstanceOf(UnknownStreamException.class, failure);
        assertEquals(missing, ((UnknownStreamException) failure).stream());
    }

    @Test
    void closing_finishes_the_commands_already_sent_and_refuses_new_ones() {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = accounts(stream).build();
        await(tributary.send(new OpenAccount("acc-1", "ann")));
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            queued.add(tributary.send(new Deposit("acc-1", 1)));
        }

        tributary.close();

        for (int i = 0; i < queued.size(); i++) {
            assertEquals(i + 1, await(queued.get(i)), "queued command " + i);
        }
        Throwable refused = failure(tributary.send(new Deposit("acc-1", 1)));
        assertInstanceOf(IllegalStateException.class, refused);
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        assertEquals(301, eventsOf(stream, "acc-1").size());
    }

    private static String text(LogEntry entry, String header) {
        byte[] value = entry.headers().get(header);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    static List<Object> payloads(List<Event> events) {
        return events.stream().map(Event::payload).toList();
    }

    static List<Long> sequences(List<Event> events) {
        return events.stream().map(Event::sequenceNumber).toList();
    }
}
