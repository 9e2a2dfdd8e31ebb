package dev.tributary.bench;

import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.projection.ReadModelDatabase;
import dev.tributary.memory.InMemoryEventLog;

import java.time.Duration;
import java.util.List;

/**
 * An exactly-once projection on the in-memory log with an in-memory HSQLDB read model (MVCC, as the tests use):
 * events per second from publish to committed, events per second catching up a backlog, and the lag of a lone event
 * on an idle projection ({@link ProjectionLoad}).
 *
 * <p>Settings (system properties): {@code bench.events} per publish-to-committed iteration (default 100000),
 * {@code bench.backlog} for catch-up (100000), {@code bench.warmups} (2),
 * {@code bench.iterations} (5), {@code bench.lagSamples} (200), {@code bench.lagPauseMillis} between them (50).
 */
public final class InMemoryProjectionBench {

    private InMemoryProjectionBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchEnvironment.quietLogging();
        int events = BenchEnvironment.intSetting("bench.events", 100_000);
        int backlog = BenchEnvironment.intSetting("bench.backlog", 100_000);
        int warmups = BenchEnvironment.intSetting("bench.warmups", 2);
        int iterations = BenchEnvironment.intSetting("bench.iterations", 5);
        int lagSamples = BenchEnvironment.intSetting("bench.lagSamples", 200);
        Duration lagPause = Duration.ofMillis(BenchEnvironment.intSetting("bench.lagPauseMillis", 50));

        System.out.println(BenchEnvironment.describeMachine());
        System.out.printf("exactly-once projection on the in-memory log, HSQLDB in memory: bursts of %,d events, a "
                + "backlog of %,d, on %d partitions, %d warm-up and %d measured iteration(s)%n", events, backlog,
                ProjectionLoad.PARTITIONS, warmups, iterations);
        try (InMemoryEventLog log = InMemoryEventLog.create();
             ReadModelDatabase database = ReadModelDatabase.create(KeyCounter.class);
             Tributary tributary = Tributary.builder()
                     .eventLog(log)
                     .stream(StreamSpec.of(ProjectionLoad.BURST_STREAM, ProjectionLoad.PARTITIONS))
                     .stream(StreamSpec.of(ProjectionLoad.BACKLOG_STREAM, ProjectionLoad.PARTITIONS))
                     .stream(StreamSpec.of(ProjectionLoad.LAG_STREAM, ProjectionLoad.PARTITIONS))
                     .build()) {
            ProjectionLoad load = new ProjectionLoad(tributary, database);
            List<String> results = List.of(
                    load.publishToCommitted(events, warmups, iterations),
                    load.catchUp(backlog, warmups, iterations),
                    load.idleLag(lagSamples, Math.max(1, lagSamples / 10), lagPause));
            System.out.printf("%nin-memory log, exactly-once projection on HSQLDB (load average now %s):%n",
                    BenchEnvironment.loadAverage());
            results.forEach(System.out::println);
        }
    }
}
