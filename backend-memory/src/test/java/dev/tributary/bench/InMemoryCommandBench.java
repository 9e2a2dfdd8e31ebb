package dev.tributary.bench;

import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.command.TestCounter;
import dev.tributary.memory.InMemoryEventLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands per second through {@link Tributary#send} on the in-memory log, and each command's latency, for several
 * numbers of sender threads over many counters on {@value CommandLoad#PARTITIONS} partitions. Every iteration gets
 * a fresh log and Tributary holding just the counters, so that earlier iterations' events (all kept on the heap) do
 * not weigh on later ones; a first, unmeasured run with the most threads warms up the whole path.
 *
 * <p>Settings (system properties): {@code bench.threads} (default 1,8,64), {@code bench.aggregates} (10000),
 * {@code bench.warmupSeconds} for that first run (10), {@code bench.warmups} per thread count (2),
 * {@code bench.iterations} (5), {@code bench.seconds} per iteration (5).
 */
public final class InMemoryCommandBench {

    private InMemoryCommandBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchEnvironment.quietLogging();
        List<Integer> threadCounts = BenchEnvironment.intsSetting("bench.threads", "1,8,64");
        int aggregates = BenchEnvironment.intSetting("bench.aggregates", 10_000);
        Duration warmup = Duration.ofSeconds(BenchEnvironment.intSetting("bench.warmupSeconds", 10));
        int warmups = BenchEnvironment.intSetting("bench.warmups", 2);
        int iterations = BenchEnvironment.intSetting("bench.iterations", 5);
        Duration duration = Duration.ofSeconds(BenchEnvironment.intSetting("bench.seconds", 5));

        System.out.println(BenchEnvironment.describeMachine());
        System.out.printf("commands on the in-memory log: %,d counters on %d partitions, %d warm-up and %d measured "
                + "iteration(s) of %s per thread count%n", aggregates, CommandLoad.PARTITIONS, warmups, iterations,
                duration);
        CommandLoad.Runner fresh = (threads, length) -> {
            try (InMemoryEventLog log = InMemoryEventLog.create(); Tributary tributary = counters(log)) {
                CommandLoad load = new CommandLoad(tributary, aggregates);
                load.createAggregates();
                // The previous iteration's log is garbage now: collect it here rather than inside the measurement.
                System.gc();
                return load.run(threads, length);
            }
        };
        CommandLoad.warmUp(fresh, threadCounts.stream().mapToInt(Integer::intValue).max().orElseThrow(), warmup);
        List<String> results = new ArrayList<>();
        for (int threads : threadCounts) {
            results.add(CommandLoad.measure(fresh, threads, warmups, iterations, duration));
        }
        System.out.printf("%nin-memory log, Tributary.send (load average now %s):%n", BenchEnvironment.loadAverage());
        results.forEach(System.out::println);
    }

    private static Tributary counters(InMemoryEventLog log) {
        return Tributary.builder()
                .eventLog(log)
                .stream(StreamSpec.of(CommandLoad.STREAM, CommandLoad.PARTITIONS))
                .aggregate(TestCounter.class, CommandLoad.STREAM)
                .build();
    }
}
