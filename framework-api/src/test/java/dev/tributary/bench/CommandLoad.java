package dev.tributary.bench;

import dev.tributary.api.Tributary;
import dev.tributary.conformance.command.TestCounter.CreateCounter;
import dev.tributary.conformance.command.TestCounter.Increment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The command-side load: sender threads each send {@code Increment} to a random one of many counters and wait for
 * the result before sending the next (a closed loop, so the threads are also the commands in flight). What is
 * measured is {@link Tributary#send} from call to completed future: routing, the partition writer's queue, the
 * aggregate's handler, the atomic append of its event, and the group commit that shares one log transaction among
 * the commands that queued up meanwhile.
 */
public final class CommandLoad {

    /** The counters' stream; the benchmarks register {@code TestCounter} on it with this many partitions. */
    public static final String STREAM = "counters";
    public static final int PARTITIONS = 8;

    /** Creations in flight while the counters are set up: enough to keep every writer's queue busy. */
    private static final int SETUP_WINDOW = 1_000;

    private final Tributary tributary;
    private final int aggregates;

    public CommandLoad(Tributary tributary, int aggregates) {
        this.tributary = tributary;
        this.aggregates = aggregates;
    }

    public static String counterId(int index) {
        return "counter-" + index;
    }

    /** Creates every counter, so that the measured commands find their aggregates in the writers' caches. */
    public void createAggregates() throws InterruptedException {
        Semaphore window = new Semaphore(SETUP_WINDOW);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < aggregates && failure.get() == null; i++) {
            window.acquire();
            tributary.send(new CreateCounter(counterId(i))).whenComplete((result, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                window.release();
            });
        }
        window.acquire(SETUP_WINDOW);
        if (failure.get() != null) {
            throw new IllegalStateException("creating the counters failed", failure.get());
        }
    }

    /**
     * Runs the load once, unmeasured, so that the thread count measured first does not pay for compiling the whole
     * path (the JIT compiles it once for the process, whichever count runs).
     */
    public static void warmUp(Runner runner, int threads, Duration duration) throws Exception {
        Iteration warmup = runner.run(threads, duration);
        System.out.printf("  warm-up of the whole path, %d senders for %s: %,.0f commands/s%n", threads, duration,
                warmup.perSecond());
    }

    /**
     * Runs the warm-up iterations, then the measured ones, printing each; returns the summary of the measured ones:
     * throughput with its spread across iterations, and latency percentiles over every measured command.
     */
    public static String measure(Runner runner, int threads, int warmups, int iterations, Duration duration)
            throws Exception {
        String senders = threads + (threads == 1 ? " sender" : " senders");
        for (int i = 1; i <= warmups; i++) {
            Iteration warmup = runner.run(threads, duration);
            System.out.printf("  %11s, warm-up %d: %,9.0f commands/s, %s%n", senders, i, warmup.perSecond(),
                    warmup.latencies().format());
        }
        double[] rates = new double[iterations];
        Latencies all = new Latencies();
        for (int i = 1; i <= iterations; i++) {
            Iteration measured = runner.run(threads, duration);
            rates[i - 1] = measured.perSecond();
            all.addAll(measured.latencies());
            System.out.printf("  %11s, iteration %d: %,9.0f commands/s, %s%n", senders, i, measured.perSecond(),
                    measured.latencies().format());
        }
        return String.format("%11s: %s; latency %s", senders, Summary.of(rates).format("commands/s"), all.format());
    }

    /** Runs {@code threads} senders for {@code duration}; every sender stops at the same deadline. */
    public Iteration run(int threads, Duration duration) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Sender> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Sender sender = new Sender(ready, go);
            senders.add(sender);
            sender.thread.start();
        }
        ready.await();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        senders.forEach(s -> s.deadline = deadline);
        go.countDown();
        Latencies latencies = new Latencies();
        long commands = 0;
        for (Sender sender : senders) {
            sender.thread.join();
            if (sender.failure != null) {
                throw new IllegalStateException("a sender failed", sender.failure);
            }
            latencies.addAll(sender.latencies);
            commands += sender.latencies.size();
        }
        return new Iteration(commands, System.nanoTime() - start, latencies);
    }

    /**
     * Runs one iteration: {@link #run} on one load throughout, or on a fresh one each time, where what earlier
     * iterations appended would weigh on later ones (the in-memory log keeps every event on the heap).
     */
    @FunctionalInterface
    public interface Runner {
        Iteration run(int threads, Duration duration) throws Exception;
    }

    /**
     * One timed run.
     *
     * @param commands     commands completed
     * @param elapsedNanos from the start signal until the last sender stopped
     * @param latencies    each command's time from {@code send} to its completed future
     */
    public record Iteration(long commands, long elapsedNanos, Latencies latencies) {

        double perSecond() {
            return commands / (elapsedNanos / 1e9);
        }
    }

    private final class Sender implements Runnable {
        final Thread thread = new Thread(this, "bench-sender");
        final Latencies latencies = new Latencies();
        private final CountDownLatch ready;
        private final CountDownLatch go;
        volatile long deadline;
        volatile Throwable failure;

        Sender(CountDownLatch ready, CountDownLatch go) {
            this.ready = ready;
            this.go = go;
        }

        @Override
        public void run() {
            try {
                ready.countDown();
                go.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long now = System.nanoTime();
                while (now - deadline < 0) {
                    CompletableFuture<Long> result = tributary.send(new Increment(counterId(random.nextInt(aggregates))));
                    result.join();
                    long done = System.nanoTime();
                    latencies.add(done - now);
                    now = done;
                }
            } catch (Throwable e) {
                failure = e;
            }
        }
    }
}
