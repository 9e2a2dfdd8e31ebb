package dev.tributary.internal.projection;

import dev.tributary.api.Event;
import dev.tributary.api.PartitionFailure;
import dev.tributary.api.RetryPolicy;
import dev.tributary.api.StreamPartition;
import dev.tributary.internal.EventCodec;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.RebalanceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One member of a consumer group and the thread that drives it: poll, handle the batch, commit, poll again. How a
 * batch is handled and where offsets live depends on the guarantee (the subclasses); batching, retries, stopped
 * partitions, rebalance bookkeeping and the thread's life are the same for all and live here.
 *
 * <p>Everything not marked otherwise runs on the worker thread only. {@link #start}, {@link #stop},
 * {@link #restart}, {@link #memberId} and {@link #failures} may be called from any thread.
 */
abstract class GroupWorker implements RebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(GroupWorker.class);
    /** The longest a poll waits: bounds how late a due retry or a command is noticed while the log is idle. */
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    /** How long a poll that fills a batch waits for the next event: events that keep arriving are this close. */
    private static final Duration FILL_POLL = Duration.ofMillis(1);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    private static final long MAX_ERROR_PAUSE_MILLIS = 2_000;

    protected final GroupSpec spec;
    protected final EventLog log;
    protected final EventCodec codec;
    protected final String name;
    protected GroupMember member;

    private final Thread thread;
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<StreamPartition, PartitionFailure> failures = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile String memberId = "";

    /** Partitions this worker paused, and why. */
    private final Map<StreamPartition, Hold> held = new HashMap<>();
    private final Map<StreamPartition, Retry> retries = new HashMap<>();
    /** The offset each assigned partition resumes from as far as this worker knows: to skip over offset gaps. */
    private final Map<StreamPartition, Long> stored = new HashMap<>();
    /** The batch being filled across polls, so that rebalance callbacks can drop what this member lost. */
    private List<LogEntry> filling = new ArrayList<>();

    enum Hold { BACKOFF, STOPPED, UNCLAIMED }

    private record Retry(long offset, int attempts, long resumeAtNanos) {
    }

    GroupWorker(GroupSpec spec, EventLog log, EventCodec codec, String name) {
        this.spec = spec;
        this.log = log;
        this.codec = codec;
        this.name = name;
        this.thread = new Thread(this::run, name);
    }

    // ---------------------------------------------------------------- any thread

    /** Starts the thread and waits until it joined the group; rethrows why it could not. */
    final void start() {
        thread.start();
        try {
            joined.get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            thread.interrupt();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(name + " could not join group '" + spec.group() + "'", e.getCause());
        } catch (TimeoutException e) {
            stop();
            throw new IllegalStateException(name + " did not join group '" + spec.group() + "' within " + JOIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while " + name + " joined group '" + spec.group() + "'", e);
        }
    }

    /** Finishes the batch in flight, commits, leaves the group and ends the thread. Idempotent. */
    final void stop() {
        stopAsync();
        if (Thread.currentThread() == thread) {
            return; // a handler closing its own projection: the loop ends after this batch
        }
        try {
            thread.join(STOP_GRACE.toMillis());
            if (thread.isAlive()) {
                LOG.warn("{} is still handling a batch after {}; interrupting it", name, STOP_GRACE);
                thread.interrupt();
                thread.join(STOP_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the worker to stop after the batch in flight, without waiting for it. */
    final void stopAsync() {
        stopping = true;
        wakeUp();
    }

    final String memberId() {
        return memberId;
    }

    /** The member's id as of now, for the worker thread: a member that rejoins inside a poll gets a new one. */
    protected final String currentMemberId() {
        memberId = member.memberId();
        return memberId;
    }

    /** Why partitions of this member stopped. */
    final Map<StreamPartition, PartitionFailure> failures() {
        return failures;
    }

    /** Clears a stopped partition's failure; the worker resumes it from its stored offset. False if it was not stopped here. */
    final boolean restart(StreamPartition partition) {
        if (failures.remove(partition) == null) {
            return false;
        }
        commands.add(() -> resumeStopped(partition));
        wakeUp();
        return true;
    }

    private void wakeUp() {
        GroupMember m = member;
        if (m != null) {
            m.wakeup();
        }
    }

    // ---------------------------------------------------------------- what each guarantee does

    /** Handles the batch's events, partition by partition, and commits. Returns the partitions it seeked back. */
    protected abstract Set<StreamPartition> handle(Map<StreamPartition, List<LogEntry>> batch);

    /** Stores offsets that moved past entries the log never returns (transaction markers), with no events. */
    protected abstract void advance(Map<StreamPartition, Long> offsets);

    /** The offsets stored for these partitions, to resume a restarted partition from. */
    protected abstract Map<StreamPartition, Long> storedOffsets(Set<StreamPartition> partitions);

    /** Runs before each poll: retry what could not be committed, reclaim what could not be claimed. */
    protected void beforePoll() {
    }

    /** The member got partitions; the worker's own bookkeeping for them was reset. */
    protected void assigned(Set<StreamPartition> partitions, int generation) {
    }

    /** The member is about to lose partitions it still owns. */
    protected void revoked(Set<StreamPartition> partitions) {
    }

    /** The member already lost partitions; commits for them would fail. */
    protected void lost(Set<StreamPartition> partitions) {
    }

    /** After the member left the group: release what the subclass holds. */
    protected void closed() {
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        try {
            member = log.joinGroup(spec.group(), spec.streams(), this);
            memberId = member.memberId();
            opened();
        } catch (RuntimeException | Error e) {
            joined.completeExceptionally(e);
            if (member != null) {
                leave();
            }
            return;
        }
        joined.complete(null);
        LOG.info("{} joined group '{}' as member '{}' for streams {}", name, spec.group(), memberId, spec.streams());
        long errorPauseMillis = 0;
        try {
            while (!stopping) {
                try {
                    runOnce();
                    errorPauseMillis = 0;
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    // The log or the database failing outside any batch (a poll, a claim): keep the member alive and
                    // try again, slower each time, rather than let the projection die silently.
                    errorPauseMillis = Math.min(MAX_ERROR_PAUSE_MILLIS, Math.max(50, errorPauseMillis * 2));
                    LOG.error("{} of group '{}' failed outside a batch; trying again in {} ms", name, spec.group(),
                            errorPauseMillis, e);
                    sleep(errorPauseMillis);
                }
            }
        } finally {
            leave();
        }
    }

    /** Runs on the worker thread after joining, before the first poll. */
    protected void opened() {
    }

    private void runOnce() {
        runCommands();
        beforePoll();
        resumeDueRetries();
        List<LogEntry> batch = pollBatch();
        memberId = member.memberId();
        if (batch.isEmpty()) {
            if (!stopping) {
                advanceOverGaps();
            }
            return;
        }
        int size = spec.settings().maxBatchSize();
        Set<StreamPartition> rewound = new HashSet<>();
        int from = 0;
        try {
            for (; from < batch.size() && !(stopping && from > 0); from += size) {
                Map<StreamPartition, List<LogEntry>> chunk = new LinkedHashMap<>();
                for (LogEntry entry : batch.subList(from, Math.min(batch.size(), from + size))) {
                    // Entries after a partition was seeked back within this batch are polled again later, in order.
                    if (!rewound.contains(entry.partition())) {
                        chunk.computeIfAbsent(entry.partition(), p -> new ArrayList<>()).add(entry);
                    }
                }
                if (!chunk.isEmpty()) {
                    rewound.addAll(handle(chunk));
                }
            }
        } catch (RuntimeException | Error e) {
            // Whatever was not stored must be polled again, or a later commit would pass over it.
            rewindUnstored(batch.subList(from, batch.size()), rewound, e);
            throw e;
        }
    }

    private void rewindUnstored(List<LogEntry> unstored, Set<StreamPartition> rewound, Throwable cause) {
        Map<StreamPartition, Long> first = new LinkedHashMap<>();
        unstored.forEach(entry -> first.putIfAbsent(entry.partition(), entry.offset()));
        first.forEach((p, offset) -> {
            if (!rewound.contains(p)) {
                try {
                    seek(p, offset);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        });
    }

    /**
     * Takes what the poll returned; if that is less than a batch, keeps polling while events keep arriving, up to
     * {@code maxBatchWait}. A lone event on an idle log is handed over at once.
     */
    private List<LogEntry> pollBatch() {
        filling = new ArrayList<>(member.poll(pollTimeout()));
        if (filling.isEmpty()) {
            return filling;
        }
        BatchSettings settings = spec.settings();
        long deadline = System.nanoTime() + settings.maxBatchWait().toNanos();
        while (!stopping && filling.size() < settings.maxBatchSize() && System.nanoTime() < deadline) {
            List<LogEntry> more = member.poll(FILL_POLL);
            if (more.isEmpty()) {
                break;
            }
            filling.addAll(more);
        }
        List<LogEntry> batch = filling;
        filling = new ArrayList<>();
        return batch;
    }

    private Duration pollTimeout() {
        long now = System.nanoTime();
        long timeout = IDLE_POLL.toNanos();
        for (Map.Entry<StreamPartition, Retry> e : retries.entrySet()) {
            if (held.get(e.getKey()) == Hold.BACKOFF) {
                timeout = Math.min(timeout, Math.max(0, e.getValue().resumeAtNanos - now));
            }
        }
        return Duration.ofNanos(timeout);
    }

    private void runCommands() {
        for (Runnable command; (command = commands.poll()) != null; ) {
            command.run();
        }
    }

    private void leave() {
        try {
            if (member != null) {
                member.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not leave group '{}' cleanly", name, spec.group(), e);
        } finally {
            try {
                closed();
            } finally {
                LOG.info("{} left group '{}'", name, spec.group());
            }
        }
    }

    /**
     * After an idle poll, the member's position may be past the last stored offset although no event is left to
     * handle (Kafka's transaction markers take offsets). Storing the position then keeps the lag at zero.
     */
    private void advanceOverGaps() {
        Map<StreamPartition, Long> moved = new HashMap<>();
        for (StreamPartition p : member.assignment()) {
            Long known = stored.get(p);
            if (known != null && !held.containsKey(p)) {
                long position = member.position(p);
                if (position > known) {
                    moved.put(p, position);
                }
            }
        }
        if (!moved.isEmpty()) {
            advance(moved);
        }
    }

    // ---------------------------------------------------------------- rebalance callbacks (inside poll)

    @Override
    public final void onAssigned(Set<StreamPartition> partitions, int generation) {
        if (partitions.isEmpty()) {
            return; // a cooperative rebalance that moved nothing here
        }
        dropFilling(partitions);
        forget(partitions);
        // A partition this member paused before it lost it must not stay paused when it comes back.
        member.resume(partitions);
        assigned(partitions, generation);
        for (StreamPartition p : partitions) {
            if (!held.containsKey(p)) {
                stored.putIfAbsent(p, member.position(p));
            }
        }
        LOG.info("{} was assigned {} of group '{}' in generation {}", name, new TreeSet<>(partitions),
                spec.group(), generation);
    }

    @Override
    public final void onRevoked(Set<StreamPartition> partitions) {
        dropFilling(partitions);
        revoked(partitions);
        forget(partitions);
    }

    @Override
    public final void onLost(Set<StreamPartition> partitions) {
        dropFilling(partitions);
        lost(partitions);
        forget(partitions);
        LOG.info("{} lost {} of group '{}' (it was removed from the group)", name, new TreeSet<>(partitions),
                spec.group());
    }

    private void dropFilling(Set<StreamPartition> partitions) {
        filling.removeIf(entry -> partitions.contains(entry.partition()));
    }

    private void forget(Set<StreamPartition> partitions) {
        for (StreamPartition p : partitions) {
            held.remove(p);
            retries.remove(p);
            stored.remove(p);
            failures.remove(p);
        }
    }

    // ---------------------------------------------------------------- helpers for the subclasses

    /** Dispatches one entry's event; decoding is part of handling, so an undecodable entry fails like a handler. */
    protected final void dispatch(HandlerContext context, LogEntry entry) throws Exception {
        Event event = codec.decode(entry);
        context.dispatch(spec.dispatcher(), event);
    }

    /** The offset to store after handling a partition's entries. */
    protected static Map<StreamPartition, Long> nextOffsets(Map<StreamPartition, List<LogEntry>> batch) {
        Map<StreamPartition, Long> next = new LinkedHashMap<>();
        batch.forEach((p, entries) -> next.put(p, entries.get(entries.size() - 1).nextOffset()));
        return next;
    }

    /** Seeks every partition of the batch back to its first entry: nothing of it was stored. */
    protected final void rewind(Map<StreamPartition, List<LogEntry>> batch) {
        batch.forEach((p, entries) -> seek(p, entries.get(0).offset()));
    }

    protected final void seek(StreamPartition partition, long offset) {
        if (member.assignment().contains(partition)) {
            member.seek(partition, offset);
        }
    }

    /** Records offsets as stored. */
    protected final void committed(Map<StreamPartition, Long> offsets) {
        offsets.forEach((p, offset) -> {
            if (stored.containsKey(p)) {
                stored.put(p, offset);
            }
        });
    }

    /** A batch of the partition was handled: a later failure counts its attempts from one again. */
    protected final void succeeded(StreamPartition partition) {
        retries.remove(partition);
    }

    /**
     * A batch of {@code partition} starting at {@code offset} failed; the caller already seeked the partition back to
     * {@code offset}. Pauses the partition for the retry policy's backoff, or stops it after the last attempt.
     */
    protected final void failed(StreamPartition partition, long offset, Throwable error) {
        RetryPolicy policy = spec.settings().retry();
        Retry previous = retries.get(partition);
        int attempts = previous != null && previous.offset == offset ? previous.attempts + 1 : 1;
        hold(partition, Hold.BACKOFF);
        if (attempts < policy.maxAttempts()) {
            Duration backoff = policy.backoffBefore(attempts + 1);
            retries.put(partition, new Retry(offset, attempts, System.nanoTime() + backoff.toNanos()));
            LOG.warn("{} of group '{}': the batch of {} from offset {} failed (attempt {} of {}); retrying in {} ms: {}",
                    name, spec.group(), partition, offset, attempts, policy.maxAttempts(), backoff.toMillis(),
                    describe(error));
            return;
        }
        retries.remove(partition);
        held.put(partition, Hold.STOPPED);
        failures.put(partition, new PartitionFailure(offset, attempts, describe(error), error, codec.clock().instant()));
        LOG.error("{} of group '{}' STOPPED partition {} at offset {} after {} attempt(s); nothing past it was handled "
                        + "or skipped. Fix the cause, then call GroupHandle.restart({}).", name, spec.group(), partition,
                offset, attempts, partition, error);
    }

    /** Pauses a partition for a reason of this worker's. */
    protected final void hold(StreamPartition partition, Hold reason) {
        held.put(partition, reason);
        if (member.assignment().contains(partition)) {
            member.pause(Set.of(partition));
        }
    }

    /** Resumes a partition this worker paused. */
    protected final void release(StreamPartition partition) {
        if (held.remove(partition) != null && member.assignment().contains(partition)) {
            member.resume(Set.of(partition));
        }
    }

    protected final Set<StreamPartition> heldFor(Hold reason) {
        Set<StreamPartition> result = new HashSet<>();
        held.forEach((p, r) -> {
            if (r == reason) {
                result.add(p);
            }
        });
        return result;
    }

    /** Sets what the worker knows is stored for a partition after it seeked it there. */
    protected final void storedAt(StreamPartition partition, long offset) {
        stored.put(partition, offset);
    }

    protected final boolean isStopping() {
        return stopping;
    }

    private void resumeDueRetries() {
        long now = System.nanoTime();
        for (Map.Entry<StreamPartition, Retry> e : retries.entrySet()) {
            if (held.get(e.getKey()) == Hold.BACKOFF && now - e.getValue().resumeAtNanos >= 0) {
                release(e.getKey());
            }
        }
    }

    private void resumeStopped(StreamPartition partition) {
        if (held.get(partition) != Hold.STOPPED) {
            return;
        }
        retries.remove(partition);
        if (member.assignment().contains(partition)) {
            long offset = Optional.ofNullable(storedOffsets(Set.of(partition)).get(partition))
                    .orElseGet(() -> log.beginningOffset(partition));
            member.seek(partition, offset);
            stored.put(partition, offset);
        }
        release(partition);
        LOG.info("{} of group '{}' restarted partition {}", name, spec.group(), partition);
    }

    private static String describe(Throwable error) {
        return error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }

    /** Lets an error that must end the thread pass; everything else is a failed batch. */
    protected static void rethrowFatal(Throwable error) {
        if (error instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
