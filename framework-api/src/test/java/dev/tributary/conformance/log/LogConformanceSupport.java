package dev.tributary.conformance.log;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.conformance.ConformanceFixture;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.TransactionalWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the log-level conformance suites share: a fresh log per test from the backend's fixture, closed after the
 * test together with the members and writers it opened; unique names; and bounded waits that end as soon as their
 * condition holds, so that the suites run fast in memory and are patient enough on a real broker.
 *
 * <p>A backend does not extend this class directly; it extends each suite and returns its fixture.
 */
public abstract class LogConformanceSupport {

    /** How long a read or poll waits before a test concludes that nothing (more) is visible. */
    static final Duration QUIET = Duration.ofMillis(250);

    /** How much longer than its timeout a read or poll may take and still count as returning promptly. */
    static final Duration PROMPT_MARGIN = Duration.ofSeconds(5);

    /** The backend under test. Called once per test, before the test opens its log. */
    protected abstract ConformanceFixture fixture();

    ConformanceFixture backend;
    EventLog log;

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final List<GroupObserver> observers = new ArrayList<>();

    @BeforeEach
    final void openLog() {
        backend = fixture();
        log = backend.createEventLog();
    }

    @AfterEach
    final void closeLog() throws Exception {
        Exception failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                failure = chain(failure, e);
            }
        }
        try {
            log.close();
        } catch (Exception e) {
            failure = chain(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
        for (GroupObserver observer : observers) {
            observer.assertConsistent();
        }
    }

    private static Exception chain(Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    // ---- time ------------------------------------------------------------------------------------------------

    /** The longest any single condition may take: a Kafka rebalance, or a member timing out and the group reacting. */
    final Duration patience() {
        return Duration.ofSeconds(30).plus(backend.memberTimeout().multipliedBy(2));
    }

    /** How long each member's poll waits in a round-robin, short enough that no polled member ever times out. */
    final Duration pollSlice() {
        long millis = backend.memberTimeout().toMillis() / 20;
        return Duration.ofMillis(Math.max(5, Math.min(100, millis)));
    }

    /** Waits, without polling any member, until {@code done} holds; fails after {@link #patience()}. */
    final void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + patience().toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + patience() + " waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }

    static Instant nowMillis() {
        // Kafka keeps timestamps in milliseconds; records built with finer ones would not read back equal.
        return Instant.ofEpochMilli(System.currentTimeMillis());
    }

    static long elapsedMillisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ---- names and streams -----------------------------------------------------------------------------------

    final StreamSpec newStream(String base, int partitions) {
        StreamSpec spec = StreamSpec.of(backend.unique(base), partitions);
        log.createStream(spec);
        return spec;
    }

    final String newGroup(String base) {
        return backend.unique(base);
    }

    static Set<StreamPartition> partitionsOf(StreamSpec... specs) {
        Set<StreamPartition> all = new TreeSet<>();
        for (StreamSpec spec : specs) {
            for (int i = 0; i < spec.partitions(); i++) {
                all.add(spec.partition(i));
            }
        }
        return all;
    }

    static Set<String> namesOf(StreamSpec... specs) {
        return Arrays.stream(specs).map(StreamSpec::name).collect(Collectors.toSet());
    }

    // ---- records -----------------------------------------------------------------------------------------------

    static LogRecord record(String value) {
        return record(null, value);
    }

    static LogRecord record(String key, String value) {
        return new LogRecord(key, utf8(value), Map.of(), nowMillis());
    }

    static List<LogRecord> records(String... values) {
        return Arrays.stream(values).map(LogConformanceSupport::record).toList();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(LogEntry entry) {
        return new String(entry.value(), StandardCharsets.UTF_8);
    }

    static List<String> texts(List<LogEntry> entries) {
        return entries.stream().map(LogConformanceSupport::text).toList();
    }

    static List<Long> offsetsOf(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::offset).toList();
    }

    static void assertIncreasing(List<Long> offsets, String what) {
        for (int i = 1; i < offsets.size(); i++) {
            assertTrue(offsets.get(i) > offsets.get(i - 1), what + ": offsets must strictly increase, got " + offsets);
        }
    }

    // ---- appending and reading ---------------------------------------------------------------------------------

    /** Appends the values as one batch and waits for it: the offsets assigned. */
    final List<Long> append(StreamPartition partition, String... values) {
        List<Long> offsets = await(log.append(partition, records(values)));
        assertEquals(values.length, offsets.size(), "one offset per appended record");
        assertIncreasing(offsets, "append to " + partition);
        return offsets;
    }

    final <T> T await(Future<T> future) {
        try {
            return future.get(patience().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected success, failed with " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("not done within " + patience(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@link EventLog#read}, checking what every read promises: its partition, in offset order, at most max. */
    final List<LogEntry> read(StreamPartition partition, long fromOffset, int maxEntries, Duration timeout) {
        List<LogEntry> entries = log.read(partition, fromOffset, maxEntries, timeout);
        assertNotNull(entries, "read returns a list, never null");
        assertTrue(entries.size() <= maxEntries,
                "read(" + partition + ", max " + maxEntries + ") returned " + entries.size() + " entries");
        for (LogEntry entry : entries) {
            assertEquals(partition, entry.partition(), "read(" + partition + ") returned " + entry);
            assertTrue(entry.offset() >= fromOffset,
                    "read(" + partition + ", from " + fromOffset + ") returned " + entry + " below that offset");
        }
        assertIncreasing(offsetsOf(entries), "read(" + partition + ")");
        return entries;
    }

    /** Reads exactly {@code count} entries from {@code fromOffset}, resuming each time from the last nextOffset. */
    final List<LogEntry> readCount(StreamPartition partition, long fromOffset, int count) {
        List<LogEntry> entries = new ArrayList<>();
        long next = fromOffset;
        while (entries.size() < count) {
            List<LogEntry> batch = read(partition, next, count - entries.size(), patience());
            if (batch.isEmpty()) {
                fail("expected " + count + " entries in " + partition + " from offset " + fromOffset
                        + " but only found " + texts(entries) + " within " + patience());
            }
            entries.addAll(batch);
            next = batch.get(batch.size() - 1).nextOffset();
        }
        return entries;
    }

    /** Reads from {@code fromOffset} through the first entry whose value is {@code lastValue}, which it includes. */
    final List<LogEntry> readThrough(StreamPartition partition, long fromOffset, String lastValue) {
        List<LogEntry> entries = new ArrayList<>();
        long next = fromOffset;
        while (true) {
            List<LogEntry> batch = read(partition, next, 100, patience());
            if (batch.isEmpty()) {
                fail("'" + lastValue + "' did not become visible in " + partition + " within " + patience()
                        + "; read " + texts(entries));
            }
            for (LogEntry entry : batch) {
                entries.add(entry);
                if (text(entry).equals(lastValue)) {
                    return entries;
                }
            }
            next = batch.get(batch.size() - 1).nextOffset();
        }
    }

    /** Asserts that a read from {@code fromOffset} finds nothing within {@link #QUIET}. */
    final void assertNothingVisible(StreamPartition partition, long fromOffset) {
        List<LogEntry> entries = read(partition, fromOffset, 10, QUIET);
        assertEquals(List.of(), texts(entries), "nothing should be visible in " + partition + " from " + fromOffset);
    }

    // ---- failures ----------------------------------------------------------------------------------------------

    /**
     * What {@code action} fails with: thrown at once, or, if it returns a future, the future's failure. An API may
     * report bad input either way; the contract only says it raises.
     */
    final Throwable failureOf(Callable<?> action) {
        Object result;
        try {
            result = action.call();
        } catch (CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (Exception e) {
            return e;
        }
        if (result instanceof Future<?> future) {
            try {
                result = future.get(patience().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                return fail("expected a failure, but the future was not done within " + patience());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }
        if (result instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // The assertion below is the failure worth reporting.
            }
        }
        return fail("expected a failure, got " + result);
    }

    /** Asserts the exception's message names each value (exceptions name the bad value). */
    static void assertNames(Throwable failure, String... values) {
        String message = failure.getMessage();
        assertNotNull(message, failure + " has no message");
        for (String value : values) {
            assertTrue(message.contains(value), "message of " + failure.getClass().getSimpleName()
                    + " should name '" + value + "': " + message);
        }
    }

    // ---- members and writers -----------------------------------------------------------------------------------

    final GroupObserver observe(String group) {
        GroupObserver observer = new GroupObserver(group);
        observers.add(observer);
        return observer;
    }

    /** Joins {@code observer}'s group for the streams; the member is closed after the test if it is still open. */
    final TestMember join(String name, GroupObserver observer, StreamSpec... streams) {
        TestMember member = new TestMember(name, log, observer, namesOf(streams));
        opened.push(member);
        return member;
    }

    final TransactionalWriter writer(String transactionalId) {
        TransactionalWriter writer = log.transactionalWriter(transactionalId);
        assertEquals(transactionalId, writer.transactionalId());
        opened.push(writer);
        return writer;
    }

    final void close(TransactionalWriter writer) {
        opened.remove(writer);
        writer.close();
    }

    /** Polls the members in turns until {@code done} holds; fails after {@link #patience()} with their state. */
    final void pollUntil(String what, BooleanSupplier done, TestMember... members) {
        long deadline = System.nanoTime() + patience().toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + patience() + " waiting until " + what + "\n" + describe(members));
            }
            for (TestMember member : members) {
                member.poll(pollSlice());
            }
        }
    }

    /** Polls the members in turns for {@code duration}, to show that something does not happen. */
    final void pollFor(Duration duration, TestMember... members) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            for (TestMember member : members) {
                member.poll(pollSlice());
            }
        }
    }

    /** True when the members' assignments are non-empty, disjoint, agree with their listeners and cover {@code all}. */
    static boolean splitAmong(Set<StreamPartition> all, TestMember... members) {
        Set<StreamPartition> union = new HashSet<>();
        int owned = 0;
        for (TestMember member : members) {
            Set<StreamPartition> assignment = member.assignment();
            if (assignment.isEmpty() || !assignment.equals(member.owned())) {
                return false;
            }
            union.addAll(assignment);
            owned += assignment.size();
        }
        return owned == all.size() && union.equals(all);
    }

    /** True when the member's assignment is exactly {@code partitions} and its listener agrees. */
    static boolean owns(TestMember member, Set<StreamPartition> partitions) {
        return member.assignment().equals(partitions) && member.owned().equals(partitions);
    }

    static String describe(TestMember... members) {
        StringBuilder text = new StringBuilder();
        Set<GroupObserver> seen = new HashSet<>();
        for (TestMember member : members) {
            text.append(member.describe()).append('\n');
            if (seen.add(member.observer())) {
                text.append(member.observer().history()).append('\n');
            }
        }
        return text.toString();
    }
}
