package dev.tributary.internal.command;

import dev.tributary.internal.command.AggregateCatalog.AggregateType;
import dev.tributary.spi.GroupMetadata;
import dev.tributary.spi.LogEntry;
import org.axonframework.commandhandling.CommandMessage;

import java.util.concurrent.CompletableFuture;

/** What a partition writer's queue holds. */
sealed interface WriterTask {

    /** A command sent through {@code Tributary.send}: its sender waits on {@code result}. */
    record Direct(CommandMessage<?> command, AggregateType<?> type, String targetId,
                  CompletableFuture<Object> result) implements WriterTask {
    }

    /**
     * Work handed over by the command-stream consumer. Its offsets commit in the writer's transaction under the group
     * metadata captured on the poll thread; {@code epoch} is the partition's ownership epoch when it was polled, so
     * that work polled before a rebalance or a rewind is recognised as stale. The consumer counts each one in flight
     * until the writer reports it done.
     */
    sealed interface Polled extends WriterTask {

        /** The first offset it covers: where the partition is read again if its transaction fails. */
        long offset();

        /** The offset the group stores once it is handled: where the partition resumes. */
        long nextOffset();

        GroupMetadata group();

        int epoch();
    }

    /** A command read from the command stream; its offset commits in the same transaction as its events. */
    record FromStream(LogEntry entry, GroupMetadata group, int epoch) implements Polled {

        @Override
        public long offset() {
            return entry.offset();
        }

        @Override
        public long nextOffset() {
            return entry.nextOffset();
        }
    }

    /**
     * The partition's position moved from {@code offset} to {@code nextOffset} over offsets that hold no command
     * (transaction markers take offsets) after every command before it was handed over: storing {@code nextOffset}
     * lets the group's stored offset reach the end offset, so that its lag is zero once every command is handled.
     */
    record Advance(long offset, long nextOffset, GroupMetadata group, int epoch) implements Polled {
    }

    /** Completes once everything queued before it is done: how a revoked partition's in-flight work is drained. */
    record Barrier(CompletableFuture<Void> done) implements WriterTask {
    }

    /** The writer finishes what was queued before it, then stops. */
    record Stop() implements WriterTask {
    }
}
