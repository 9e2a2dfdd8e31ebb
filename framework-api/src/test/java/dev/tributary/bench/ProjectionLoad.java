package dev.tributary.bench;

import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.Tributary;
import dev.tributary.conformance.projection.ReadModelDatabase;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The exactly-once projection load: readings published with {@link Tributary#publish} and applied by
 * {@link KeyCounts} to a JPA read model, with the projection's default batching (up to 500 events per transaction,
 * up to 20 ms to fill one). Three figures:
 *
 * <ul>
 *   <li><b>publish to committed</b>: the projection is running and caught up; a burst of readings is published as
 *       fast as the log takes them, and the clock stops when the group's stored offsets reach the end.</li>
 *   <li><b>catch-up</b>: a new group starts on a stream that already holds the readings; the clock stops when it has
 *       caught up. The projection alone, without a publisher competing for the cores.</li>
 *   <li><b>idle lag</b>: on an idle projection, the time from publishing one lone reading to the commit of the
 *       transaction that applied it.</li>
 * </ul>
 */
public final class ProjectionLoad {

    public static final int PARTITIONS = 8;
    public static final String BURST_STREAM = "readings";
    public static final String BACKLOG_STREAM = "backlog";
    public static final String LAG_STREAM = "lone-readings";

    /** Keys the readings spread over, so that most upserts update a row that exists. */
    private static final int KEYS = 1_000;
    /** Publishes in flight: enough for the log's group commit, bounded so that a slow log is not flooded. */
    private static final int PUBLISH_WINDOW = 5_000;
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    private final Tributary tributary;
    private final ReadModelDatabase database;
    private long nextSequence;

    public ProjectionLoad(Tributary tributary, ReadModelDatabase database) {
        this.tributary = tributary;
        this.database = database;
    }

    /** Publishes one burst of readings over {@value #KEYS} keys and returns when the log has taken them all. */
    public void publish(String stream, int count) throws InterruptedException {
        Semaphore window = new Semaphore(PUBLISH_WINDOW);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count && failure.get() == null; i++) {
            long sequence = nextSequence++;
            window.acquire();
            tributary.publish(stream, "key-" + sequence % KEYS, Reading.of("key-" + sequence % KEYS, sequence))
                    .whenComplete((done, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        window.release();
                    });
        }
        window.acquire(PUBLISH_WINDOW);
        if (failure.get() != null) {
            throw new IllegalStateException("publishing to '" + stream + "' failed", failure.get());
        }
    }

    public ProjectionHandle start(String group, String stream, CommitProbe probe) {
        return tributary.start(Projection.exactlyOnce(group)
                .streams(stream)
                .eventHandlers(new KeyCounts(group, probe))
                .entityManagerFactory(database.entityManagerFactory())
                .build());
    }

    /** Publish-to-committed throughput in events/s, one burst per iteration, on one running projection. */
    public String publishToCommitted(int events, int warmups, int iterations) throws InterruptedException {
        String group = "burst";
        double[] rates = new double[iterations];
        try (ProjectionHandle handle = start(group, BURST_STREAM, CommitProbe.NONE)) {
            awaitCaughtUp(handle);
            for (int i = 1 - warmups; i <= iterations; i++) {
                long start = System.nanoTime();
                publish(BURST_STREAM, events);
                long published = System.nanoTime();
                awaitCaughtUp(handle);
                long end = System.nanoTime();
                double rate = events / ((end - start) / 1e9);
                System.out.printf("  publish to committed, %s: %,d events in %.2f s (publishing took %.2f s): "
                                + "%,.0f events/s%n", i <= 0 ? "warm-up" : "iteration " + i, events,
                        (end - start) / 1e9, (published - start) / 1e9, rate);
                if (i > 0) {
                    rates[i - 1] = rate;
                }
            }
            checkApplied(group, (long) events * (warmups + iterations));
        }
        return String.format("publish to committed: %s, bursts of %,d", Summary.of(rates).format("events/s"), events);
    }

    /** Catch-up throughput in events/s: each iteration is a new group over the same backlog. */
    public String catchUp(int events, int warmups, int iterations) throws InterruptedException {
        publish(BACKLOG_STREAM, events);
        double[] rates = new double[iterations];
        for (int i = 1 - warmups; i <= iterations; i++) {
            String group = "catch-up-" + (i + warmups);
            long start = System.nanoTime();
            try (ProjectionHandle handle = start(group, BACKLOG_STREAM, CommitProbe.NONE)) {
                awaitCaughtUp(handle);
                long end = System.nanoTime();
                double rate = events / ((end - start) / 1e9);
                System.out.printf("  catch-up, %s: %,d events in %.2f s: %,.0f events/s%n",
                        i <= 0 ? "warm-up" : "iteration " + i, events, (end - start) / 1e9, rate);
                if (i > 0) {
                    rates[i - 1] = rate;
                }
            }
            checkApplied(group, events);
        }
        return String.format("catch-up of a backlog: %s, backlog of %,d", Summary.of(rates).format("events/s"), events);
    }

    /**
     * The lag of a lone event on an idle projection: publish one, wait for its commit, pause so that the projection
     * is idle again, repeat. The first {@code warmups} samples are dropped.
     */
    public String idleLag(int samples, int warmups, Duration pause) throws Exception {
        CommitProbe probe = new CommitProbe();
        Latencies lags = new Latencies();
        try (ProjectionHandle handle = start("idle", LAG_STREAM, probe)) {
            awaitCaughtUp(handle);
            for (int i = 1 - warmups; i <= samples; i++) {
                TimeUnit.MILLISECONDS.sleep(pause.toMillis());
                long sequence = nextSequence++;
                CompletableFuture<Long> committed = probe.expect(sequence);
                long start = System.nanoTime();
                tributary.publish(LAG_STREAM, "key-" + sequence % KEYS, Reading.of("key-" + sequence % KEYS, sequence))
                        .join();
                long end = committed.get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (i > 0) {
                    lags.add(end - start);
                }
            }
        }
        return "idle lag, publish to committed: " + lags.format() + ", " + pause.toMillis() + " ms apart";
    }

    private static void awaitCaughtUp(ProjectionHandle handle) throws InterruptedException {
        if (!handle.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
            throw new IllegalStateException("group '" + handle.group() + "' did not catch up within "
                    + CATCH_UP_TIMEOUT + ": " + handle.status());
        }
    }

    /** A figure counts only if every event was applied exactly once. */
    private void checkApplied(String group, long expected) {
        long applied = database.inTransaction(em -> KeyCounts.total(em, group));
        if (applied != expected) {
            throw new IllegalStateException("group '" + group + "' applied " + applied + " events, expected "
                    + expected);
        }
    }
}
