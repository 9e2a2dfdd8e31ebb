package dev.tributary.conformance.command;

import dev.tributary.api.Event;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.conformance.command.AccountEvents.Deposited;
import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.TributaryBuilder;
import dev.tributary.internal.command.CommandRouter;
import dev.tributary.internal.command.CommandRuntime;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogTransaction;
import dev.tributary.spi.TransactionalWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the command-side suites share: a fresh log per test from the backend's fixture, the Tributary instances a
 * test builds (closed after it, then the log), unique stream names, and bounded waits that end as soon as their
 * condition holds. A backend extends each suite, not this class.
 */
public abstract class CommandConformanceSupport {

    /** The longest any single wait in these suites may take; generous for a real broker on a busy machine. */
    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long a read waits for more entries before the suite concludes there are none yet. */
    private static final Duration READ_QUIET = Duration.ofMillis(50);

    /** The backend under test. Called once per test, before the test opens its log. */
    protected abstract ConformanceFixture fixture();

    ConformanceFixture backend;
    EventLog log;
    final EventCodec codec = EventCodec.withDefaults(Clock.systemUTC());
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @BeforeEach
    final void openLog() {
        backend = fixture();
        log = backend.createEventLog();
    }

    @AfterEach
    final void closeAll() {
        RuntimeException failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing what the test opened failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        log.close();
        if (failure != null) {
            throw failure;
        }
    }

    /** A stream spec with a name no other test uses; the builder creates it. */
    StreamSpec newStream(String base, int partitions) {
        return StreamSpec.of(backend.unique(base), partitions);
    }

    /** A builder on the test's log with {@link TestAccount} writing to {@code stream}. */
    Tributary.Builder accounts(StreamSpec stream) {
        return accounts(stream, log);
    }

    Tributary.Builder accounts(StreamSpec stream, EventLog eventLog) {
        return Tributary.builder().eventLog(eventLog).stream(stream).aggregate(TestAccount.class, stream.name());
    }

    /** Builds and remembers the instance, so that it is closed after the test. */
    Tributary open(Tributary.Builder builder) {
        Tributary tributary = builder.build();
        opened.push(tributary);
        return tributary;
    }

    /** A router over the same aggregate classes, as a processor uses it; never started. */
    CommandRouter router(StreamSpec stream) {
        CommandRuntime runtime = new CommandRuntime(log, codec, Map.of(TestAccount.class, stream), 0,
                backend.unique("router"));
        opened.push(runtime);
        return runtime;
    }

    /** Writes routed commands in one log transaction, as a processor's emitter does. */
    void sendThroughCommandStream(CommandRouter router, List<?> commands) {
        TransactionalWriter producer = log.transactionalWriter(backend.unique("producer"));
        opened.push(producer);
        LogTransaction transaction = producer.begin();
        for (Object command : commands) {
            CommandRouter.RoutedCommand routed = router.route(command, Map.of());
            transaction.append(routed.partition(), List.of(routed.record()));
        }
        transaction.commit();
    }

    static String commandStream(StreamSpec stream) {
        return stream.name() + TributaryBuilder.COMMAND_STREAM_SUFFIX;
    }

    static String writersGroup(StreamSpec stream) {
        return "tributary-writers-" + stream.name();
    }

    /** The future's value, or the test fails naming what it waited for. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The exception the future failed with, unwrapped; the test fails if it succeeds. */
    static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected the future to fail, it completed with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until the condition holds, failing with {@code what} after {@link #PATIENCE}. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up after " + PATIENCE + " waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }

    /** Every committed entry of one partition, in offset order. */
    List<LogEntry> entries(StreamPartition partition) {
        List<LogEntry> all = new ArrayList<>();
        long from = log.beginningOffset(partition);
        long end = log.endOffset(partition);
        while (from < end) {
            List<LogEntry> read = log.read(partition, from, 1_000, READ_QUIET);
            if (read.isEmpty()) {
                break; // only transaction markers remain before the end
            }
            all.addAll(read);
            from = read.get(read.size() - 1).nextOffset();
        }
        return all;
    }

    /** Every event of the stream, decoded, partition by partition. */
    List<Event> events(StreamSpec stream) {
        List<Event> events = new ArrayList<>();
        for (int p = 0; p < stream.partitions(); p++) {
            entries(stream.partition(p)).forEach(entry -> events.add(codec.decode(entry)));
        }
        return events;
    }

    /** One aggregate's events, in log order. */
    List<Event> eventsOf(StreamSpec stream, String aggregateId) {
        List<Event> events = new ArrayList<>();
        entries(log.partitionFor(stream.name(), aggregateId)).stream()
                .map(codec::decode)
                .filter(e -> aggregateId.equals(e.aggregateId()))
                .forEach(events::add);
        return events;
    }

    /** The end offset of every partition of the stream. */
    Map<StreamPartition, Long> endOffsets(StreamSpec stream) {
        Map<StreamPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < stream.partitions(); p++) {
            ends.put(stream.partition(p), log.endOffset(stream.partition(p)));
        }
        return ends;
    }

    /** Whether the writers' group committed every command written to the stream's command stream so far. */
    boolean commandsAllCommitted(StreamSpec stream) {
        Map<StreamPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < stream.partitions(); p++) {
            StreamPartition partition = new StreamPartition(commandStream(stream), p);
            ends.put(partition, log.endOffset(partition));
        }
        Map<StreamPartition, Long> committed = log.committedOffsets(writersGroup(stream), Set.copyOf(ends.keySet()));
        for (Map.Entry<StreamPartition, Long> end : ends.entrySet()) {
            long position = committed.getOrDefault(end.getKey(), log.beginningOffset(end.getKey()));
            // A committed offset may stop short of the end by the transaction marker that follows the last command.
            if (position < end.getValue() && !entries(end.getKey()).stream().allMatch(e -> e.offset() < position)) {
                return false;
            }
        }
        return true;
    }

    /** Opens {@code count} accounts with fresh ids, directly, and returns the ids. */
    List<String> openAccounts(Tributary tributary, int count) {
        String prefix = backend.unique("acc");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + "-" + i);
            await(tributary.send(new OpenAccount(prefix + "-" + i, "owner")));
        }
        return ids;
    }

    /** Deposits of the amounts {@code from..to}, spread round-robin over the accounts. */
    static List<Deposit> deposits(List<String> ids, int from, int to) {
        List<Deposit> deposits = new ArrayList<>();
        for (int amount = from; amount <= to; amount++) {
            deposits.add(new Deposit(ids.get(amount % ids.size()), amount));
        }
        return deposits;
    }

    /** Waits until every command is committed and the accounts hold exactly {@code count} deposits between them. */
    void awaitDeposits(StreamSpec stream, List<String> ids, int count) {
        eventually("the writers committed every command", () -> commandsAllCommitted(stream));
        List<Long> amounts = new ArrayList<>();
        for (String id : ids) {
            for (Event event : eventsOf(stream, id)) {
                if (event.payload() instanceof Deposited deposit) {
                    amounts.add(deposit.amount());
                }
            }
        }
        amounts.sort(Long::compare);
        List<Long> expected = new ArrayList<>();
        for (long amount = 1; amount <= count; amount++) {
            expected.add(amount);
        }
        assertEquals(expected, amounts, "each command applied exactly once");
    }

    /** Checks, through one more direct deposit of 1 each, that every live aggregate holds exactly its deposits. */
    static void assertBalances(Tributary tributary, List<String> ids, int from, int to) {
        for (int i = 0; i < ids.size(); i++) {
            long expected = 1;
            for (int amount = from; amount <= to; amount++) {
                if (amount % ids.size() == i) {
                    expected += amount;
                }
            }
            assertEquals(expected, (long) await(tributary.<Long>send(new Deposit(ids.get(i), 1))), ids.get(i));
        }
    }
}
