package dev.tributary.kafka.bench;

import dev.tributary.bench.*;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.command.TestCounter;
import dev.tributary.conformance.projection.ReadModelDatabase;
import dev.tributary.kafka.EmbeddedKafkaBroker;
import dev.tributary.kafka.KafkaEventLog;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tributary on a real Kafka broker: starts one {@link EmbeddedKafkaBroker} in this JVM (KRaft, 127.0.0.1, data in a
 * temporary directory), then measures
 *
 * <ol>
 *   <li>the broker's footprint: heap in use after full GC, heap committed and the process's RSS, before it starts,
 *       once it is up and idle, and after the benchmarks;</li>
 *   <li>commands per second through {@link Tributary#send} and their latency, for several numbers of sender threads
 *       over many counters on {@value CommandLoad#PARTITIONS} partitions ({@link CommandLoad});</li>
 *   <li>an exactly-once projection on an in-memory HSQLDB read model: events per second from publish to committed,
 *       catching up a backlog, and the lag of a lone event on an idle projection ({@link ProjectionLoad}).</li>
 * </ol>
 *
 * The broker is stopped and its data deleted at the end, also when a measurement fails.
 *
 * <p>Settings (system properties): {@code bench.threads} (default 1,8,64), {@code bench.aggregates} (10000),
 * {@code bench.warmupSeconds} of a first, unmeasured command run with the most threads (30), {@code bench.seconds}
 * per command iteration (5), {@code bench.events} per publish-to-committed iteration (50000), {@code bench.backlog}
 * for catch-up (200000, so that joining the group is a small part of it), {@code bench.warmups} (3),
 * {@code bench.iterations} (5), {@code bench.lagSamples} (200), {@code bench.lagPauseMillis} (50).
 */
public final class KafkaBench {

    private KafkaBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchEnvironment.quietLogging();
        List<Integer> threadCounts = BenchEnvironment.intsSetting("bench.threads", "1,8,64");
        int aggregates = BenchEnvironment.intSetting("bench.aggregates", 10_000);
        Duration warmup = Duration.ofSeconds(BenchEnvironment.intSetting("bench.warmupSeconds", 30));
        Duration duration = Duration.ofSeconds(BenchEnvironment.intSetting("bench.seconds", 5));
        int events = BenchEnvironment.intSetting("bench.events", 50_000);
        int backlog = BenchEnvironment.intSetting("bench.backlog", 200_000);
        int warmups = BenchEnvironment.intSetting("bench.warmups", 3);
        int iterations = BenchEnvironment.intSetting("bench.iterations", 5);
        int lagSamples = BenchEnvironment.intSetting("bench.lagSamples", 200);
        Duration lagPause = Duration.ofMillis(BenchEnvironment.intSetting("bench.lagPauseMillis", 50));

        System.out.println(BenchEnvironment.describeMachine());
        List<String> results = new ArrayList<>();
        Footprint before = Footprint.now();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            // Ctrl-C during a long run would otherwise leave the broker's temporary data directory behind.
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "bench-broker-shutdown"));
            Footprint idle = Footprint.now();
            results.add("embedded broker, started and idle: " + idle.minus(before));
            System.out.println(results.get(0));

            System.out.printf("commands on Kafka: %,d counters on %d partitions, %d warm-up and %d measured "
                    + "iteration(s) of %s per thread count%n", aggregates, CommandLoad.PARTITIONS, warmups,
                    iterations, duration);
            try (KafkaEventLog log = newLog(broker);
                 Tributary tributary = Tributary.builder()
                         .eventLog(log)
                         .stream(StreamSpec.of(CommandLoad.STREAM, CommandLoad.PARTITIONS))
                         .aggregate(TestCounter.class, CommandLoad.STREAM)
                         .build()) {
                CommandLoad load = new CommandLoad(tributary, aggregates);
                load.createAggregates();
                // One load throughout: the broker keeps the events on disk, not on the heap.
                CommandLoad.warmUp(load::run, threadCounts.stream().mapToInt(Integer::intValue).max().orElseThrow(),
                        warmup);
                for (int threads : threadCounts) {
                    results.add(CommandLoad.measure(load::run, threads, warmups, iterations, duration));
                }
            }

            System.out.printf("exactly-once projection on Kafka, HSQLDB in memory: bursts of %,d events, a backlog "
                    + "of %,d, on %d partitions, %d warm-up and %d measured iteration(s)%n", events, backlog,
                    ProjectionLoad.PARTITIONS, warmups, iterations);
            try (KafkaEventLog log = newLog(broker);
                 ReadModelDatabase database = ReadModelDatabase.create(KeyCounter.class);
                 Tributary tributary = Tributary.builder()
                         .eventLog(log)
                         .stream(StreamSpec.of(ProjectionLoad.BURST_STREAM, ProjectionLoad.PARTITIONS))
                         .stream(StreamSpec.of(ProjectionLoad.BACKLOG_STREAM, ProjectionLoad.PARTITIONS))
                         .stream(StreamSpec.of(ProjectionLoad.LAG_STREAM, ProjectionLoad.PARTITIONS))
                         .build()) {
                ProjectionLoad load = new ProjectionLoad(tributary, database);
                results.add(load.publishToCommitted(events, warmups, iterations));
                results.add(load.catchUp(backlog, warmups, iterations));
                results.add(load.idleLag(lagSamples, Math.max(1, lagSamples / 10), lagPause));
            }
            results.add("after the benchmarks, clients closed, broker still up: " + Footprint.now().minus(before));
        }
        System.out.printf("%nembedded Kafka broker (load average now %s):%n", BenchEnvironment.loadAverage());
        results.forEach(System.out::println);
    }

    private static KafkaEventLog newLog(EmbeddedKafkaBroker broker) {
        return KafkaEventLog.builder().bootstrapServers(broker.bootstrapServers()).clientIdPrefix("bench").build();
    }

    /**
     * Heap in use after full GC, heap committed and the resident set with its anonymous and file-mapped parts, at one
     * moment: the committed heap and the two parts tell where resident memory went.
     */
    private record Footprint(long heap, long committed, long rss, long anonymous, long fileMapped) {

        static Footprint now() {
            long heap = BenchEnvironment.heapUsedAfterGc();
            return new Footprint(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(),
                    BenchEnvironment.processStatusBytes("VmRSS"), BenchEnvironment.processStatusBytes("RssAnon"),
                    BenchEnvironment.processStatusBytes("RssFile"));
        }

        String minus(Footprint base) {
            return String.format("heap after GC %s, heap committed %s, RSS %s (anonymous %s, file-mapped %s)",
                    change(heap, base.heap), change(committed, base.committed), change(rss, base.rss),
                    change(anonymous, base.anonymous), change(fileMapped, base.fileMapped));
        }

        private static String change(long now, long before) {
            return BenchEnvironment.mib(now) + " (+" + BenchEnvironment.mib(now - before) + ")";
        }
    }
}
