package dev.tributary.conformance.command;

import dev.tributary.api.Event;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many threads sending at once: every command applies exactly once, commands for one aggregate never run at the
 * same time, and each aggregate's sequence numbers stay gapless, whether its aggregate stays live or is rebuilt
 * from the log on nearly every command.
 */
public abstract class CommandConcurrencyConformance extends CommandConformanceSupport {

    @Test
    void commands_sent_from_many_threads_all_apply_and_never_run_concurrently_for_one_aggregate() throws Exception {
        StreamSpec stream = newStream("accounts", 4);
        Tributary tributary = open(accounts(stream));
        runConcurrently(tributary, stream, 8, 500, 20);
    }

    @Test
    void with_a_cache_of_one_aggregate_concurrent_commands_still_see_every_earlier_event() throws Exception {
        StreamSpec stream = newStream("accounts", 2);
        Tributary tributary = open(accounts(stream).aggregateCacheSize(1));
        runConcurrently(tributary, stream, 4, 150, 10);
    }

    private void runConcurrently(Tributary tributary, StreamSpec stream, int threads, int commandsPerThread,
                                 int aggregates) throws Exception {
        String prefix = backend.unique("acc");
        List<String> ids = new ArrayList<>();
        for (int a = 0; a < aggregates; a++) {
            ids.add(prefix + "-" + a);
            await(tributary.send(new OpenAccount(prefix + "-" + a, "owner")));
        }
        ConcurrentLinkedQueue<CompletableFuture<Long>> results = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> sending = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                sending.add(senders.submit(() -> {
                    start.await();
                    for (int i = 0; i < commandsPerThread; i++) {
                        // Amounts tell the threads apart, so the final balances prove that each command applied once.
                        String id = ids.get((thread * 7 + i) % aggregates);
                        results.add(tributary.send(new Deposit(id, amount(thread))));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : sending) {
                f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            senders.shutdownNow();
        }

        results.forEach(CommandConformanceSupport::await);
        assertEquals(threads * commandsPerThread, results.size());

        Map<String, Long> expected = new HashMap<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < commandsPerThread; i++) {
                expected.merge(ids.get((t * 7 + i) % aggregates), amount(t), Long::sum);
            }
        }
        for (String id : ids) {
            assertEquals(0, ConcurrencyProbe.overlaps(id), "handlers of " + id + " ran concurrently");
            List<Event> events = eventsOf(stream, id);
            assertEquals(LongStream.range(0, events.size()).boxed().toList(),
                    events.stream().map(Event::sequenceNumber).toList(), "gapless sequence numbers of " + id);
            long balance = events.stream().skip(1).mapToLong(e -> e.payload(AccountEvents.Deposited.class).amount()).sum();
            assertEquals(expected.getOrDefault(id, 0L), balance, "deposits of " + id);
            long live = await(tributary.<Long>send(new Deposit(id, 1)));
            assertEquals(balance + 1, live, "live state of " + id);
        }
    }

    private static long amount(int thread) {
        return 1L << thread;
    }
}
