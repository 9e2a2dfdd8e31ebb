package dev.tributary.internal.command;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.RebalanceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Feeds one aggregate stream's writers from its command stream: a member of group {@code tributary-writers-<stream>}
 * on {@code <stream>-commands}, polled by a thread of its own, that hands each command to the writer of the
 * partition with the same number (a command's key is its aggregate id, so both streams agree on the partition).
 *
 * <p><b>Epochs.</b> Each partition has an ownership epoch, bumped on the poll thread whenever its position stops
 * being trustworthy: on assignment, after revocation or loss, and when a writer asks for a rewind because a
 * transaction failed. Commands carry the epoch they were polled in; a writer skips those of an older epoch, which
 * the partition's new position delivers again. So a failed commit never lets a later command's offset commit past
 * an earlier command that was not handled.
 *
 * <p><b>Flow control.</b> A partition whose writer has too many commands waiting is paused until it catches up.
 *
 * <p><b>Gaps.</b> Transaction markers take offsets, so the offset after a partition's last command can stop short of
 * its end offset. After an idle poll that moved a partition's position past the last command handed over, and once
 * its writer has finished every command, the writer stores that position (in a transaction of its own, fenced like
 * any other), so that the group's lag in {@link CommandRuntime#status} reaches zero.
 */
final class CommandStreamConsumer implements RebalanceListener {

    private static final Logger logger = LoggerFactory.getLogger(CommandStreamConsumer.class);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** Commands polled but not finished, per partition, at which the partition is paused. */
    private static final int PAUSE_AT = 2 * PartitionWriter.MAX_BATCH;
    private static final int RESUME_AT = PartitionWriter.MAX_BATCH / 2;
    /** How long a failed transaction's commands wait before they are read again, so a log outage is not a spin. */
    private static final Duration REWIND_DELAY = Duration.ofMillis(500);
    /** Backoff after a poll that failed (the log is unreachable), so the thread does not spin. */
    private static final Duration POLL_FAILURE_BACKOFF = Duration.ofSeconds(1);

    private final EventLog log;
    private final String group;
    private final String commandStream;
    private final PartitionWriter[] writers;
    private final AtomicIntegerArray epochs;
    private final AtomicIntegerArray inFlight;
    private final ConcurrentLinkedQueue<Rewind> rewindRequests = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile GroupMember member;

    // Poll thread only.
    private final Map<Integer, Rewind> pendingRewinds = new HashMap<>();
    private final Set<StreamPartition> paused = new HashSet<>();
    /** Per partition, the offset after the last entry handed to its writer in the current epoch; -1 if not owned. */
    private final long[] handedUpTo;

    CommandStreamConsumer(EventLog log, String aggregateStream, String commandStream, PartitionWriter[] writers,
                          String instanceId) {
        this.log = log;
        this.group = CommandRuntime.writersGroupOf(aggregateStream);
        this.commandStream = commandStream;
        this.writers = writers.clone();
        this.epochs = new AtomicIntegerArray(writers.length);
        this.inFlight = new AtomicIntegerArray(writers.length);
        this.handedUpTo = new long[writers.length];
        Arrays.fill(handedUpTo, -1);
        this.thread = new Thread(this::run, "tributary-commands-" + aggregateStream + "@" + instanceId);
        this.thread.setDaemon(true);
    }

    /** Joins the group and starts polling. */
    void start() {
        member = log.joinGroup(group, Set.of(commandStream), this);
        thread.start();
    }

    /** Leaves the group once the poll thread has drained in-flight commands. Thread-safe. */
    void stop() {
        running = false;
        GroupMember m = member;
        if (m != null) {
            m.wakeup();
        }
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (thread.getState() == Thread.State.NEW) {
            return true;
        }
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    /** Whether commands polled in {@code epoch} may still be handled. Thread-safe. */
    boolean isCurrent(int partition, int epoch) {
        return epochs.get(partition) == epoch;
    }

    /** A writer finished (or dropped) one command it was handed. Thread-safe. */
    void done(int partition) {
        inFlight.decrementAndGet(partition);
    }

    /**
     * A writer's transaction failed without committing: read the partition again from {@code offset}, the first
     * command of that transaction, unless its ownership moved on since {@code epoch}. Thread-safe.
     */
    void rewind(int partition, long offset, int epoch) {
        rewindRequests.add(new Rewind(partition, offset, epoch, Instant.now().plus(REWIND_DELAY)));
        GroupMember m = member;
        if (m != null) {
            m.wakeup();
        }
    }

    /** A newer instance took one of this stream's partitions over, and with it every partition: leave the group. */
    void writerFenced(StreamPartition partition) {
        if (running) {
            logger.warn("Leaving group '{}': the writer of {} was fenced by a newer instance", group, partition);
            stop();
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    applyRewinds();
                    List<LogEntry> entries = member.poll(POLL_TIMEOUT);
                    if (!entries.isEmpty()) {
                        GroupMetadata metadata = member.groupMetadata();
                        for (LogEntry entry : entries) {
                            dispatch(entry, metadata);
                        }
                    } else {
                        advanceOverGaps();
                    }
                    applyFlowControl();
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    logger.warn("Polling group '{}' failed; retrying in {}", group, POLL_FAILURE_BACKOFF, e);
                    Thread.sleep(POLL_FAILURE_BACKOFF.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                member.close(); // revokes, and so drains, the partitions it still owns
            } catch (RuntimeException e) {
                logger.warn("Leaving group '{}' failed", group, e);
            }
        }
    }

    private void dispatch(LogEntry entry, GroupMetadata metadata) {
        int partition = entry.partition().partition();
        inFlight.incrementAndGet(partition);
        handedUpTo[partition] = entry.nextOffset();
        writers[partition].submit(new WriterTask.FromStream(entry, metadata, epochs.get(partition)));
    }

    /**
     * Has the writer store the position of each partition that moved past its last command over offsets that hold
     * none. Only once the writer finished every command of the partition: it handles the advance after them, in the
     * same epoch, so it stores the position only if every command before it committed.
     */
    private void advanceOverGaps() {
        for (StreamPartition p : member.assignment()) {
            int partition = p.partition();
            if (handedUpTo[partition] < 0 || inFlight.get(partition) > 0 || pendingRewinds.containsKey(partition)) {
                continue;
            }
            long position = member.position(p);
            if (position > handedUpTo[partition]) {
                long from = handedUpTo[partition];
                handedUpTo[partition] = position;
                inFlight.incrementAndGet(partition);
                writers[partition].submit(new WriterTask.Advance(from, position, member.groupMetadata(),
                        epochs.get(partition)));
            }
        }
    }

    private void applyRewinds() {
        for (Rewind r = rewindRequests.poll(); r != null; r = rewindRequests.poll()) {
            pendingRewinds.merge(r.partition(), r, (a, b) -> b.epoch() >= a.epoch() ? b : a);
        }
        Instant now = Instant.now();
        Set<StreamPartition> owned = pendingRewinds.isEmpty() ? Set.of() : member.assignment();
        pendingRewinds.values().removeIf(r -> {
            StreamPartition partition = new StreamPartition(commandStream, r.partition());
            if (epochs.get(r.partition()) != r.epoch() || !owned.contains(partition)) {
                return true; // ownership moved on: the partition restarts from its committed offset anyway
            }
            if (now.isBefore(r.due())) {
                return false;
            }
            member.seek(partition, r.offset());
            epochs.incrementAndGet(r.partition());
            handedUpTo[r.partition()] = r.offset();
            return true;
        });
    }

    private void applyFlowControl() {
        for (StreamPartition partition : member.assignment()) {
            int waiting = inFlight.get(partition.partition());
            boolean pause = pendingRewinds.containsKey(partition.partition()) || waiting >= PAUSE_AT
                    || (paused.contains(partition) && waiting > RESUME_AT);
            if (pause && paused.add(partition)) {
                member.pause(Set.of(partition));
            } else if (!pause && paused.remove(partition)) {
                member.resume(Set.of(partition));
            }
        }
    }

    @Override
    public void onAssigned(Set<StreamPartition> partitions, int generation) {
        for (StreamPartition p : partitions) {
            epochs.incrementAndGet(p.partition());
            try {
                // The group's stored offset, or where a group without one starts: nothing before it is this member's.
                handedUpTo[p.partition()] = member.position(p);
            } catch (RuntimeException e) {
                // Only costs the advance over a gap before the partition's first command; that command sets it.
                logger.debug("Group '{}' could not read its position on {}", group, p, e);
            }
        }
    }

    @Override
    public void onRevoked(Set<StreamPartition> partitions) {
        // The member still owns them: let their writers finish and commit what was polled, then forget it.
        List<CompletableFuture<Void>> drained = partitions.stream().map(p -> writers[p.partition()].barrier()).toList();
        try {
            CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("draining " + partitions + " failed", e.getCause());
        }
        forget(partitions);
    }

    @Override
    public void onLost(Set<StreamPartition> partitions) {
        // Already someone else's: whatever is queued for them must not run, and cannot commit anyway.
        forget(partitions);
    }

    private void forget(Set<StreamPartition> partitions) {
        for (StreamPartition p : partitions) {
            epochs.incrementAndGet(p.partition());
            pendingRewinds.remove(p.partition());
            paused.remove(p);
            handedUpTo[p.partition()] = -1;
        }
    }

    private record Rewind(int partition, long offset, int epoch, Instant due) {
    }
}
