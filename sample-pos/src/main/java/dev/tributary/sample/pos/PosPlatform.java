package dev.tributary.sample.pos;

import dev.tributary.api.GroupHandle;
import dev.tributary.api.GroupStatus;
import dev.tributary.api.PartitionStatus;
import dev.tributary.api.Processor;
import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.ResetPosition;
import dev.tributary.api.StreamSpec;
import dev.tributary.api.Tributary;
import dev.tributary.sample.pos.inventory.InventoryCommands.ReportStock;
import dev.tributary.sample.pos.inventory.SalesToInventory;
import dev.tributary.sample.pos.inventory.ShopInventory;
import dev.tributary.sample.pos.inventory.StockReport;
import dev.tributary.sample.pos.inventory.TransfersBetweenShops;
import dev.tributary.sample.pos.load.DeductionDelays;
import dev.tributary.sample.pos.load.Ledger;
import dev.tributary.sample.pos.load.LoadGenerator;
import dev.tributary.sample.pos.load.LoadSettings;
import dev.tributary.sample.pos.load.Operations;
import dev.tributary.sample.pos.load.RunStats;
import dev.tributary.sample.pos.load.World;
import dev.tributary.sample.pos.load.WorldRequest;
import dev.tributary.sample.pos.load.WorldSpec;
import dev.tributary.sample.pos.readmodel.InventoryView;
import dev.tributary.sample.pos.readmodel.ReadModels;
import dev.tributary.sample.pos.readmodel.SalesView;
import dev.tributary.sample.pos.sales.SalesEvents.StockCheckRequested;
import dev.tributary.sample.pos.verify.VerificationReport;
import dev.tributary.sample.pos.verify.Verifier;
import jakarta.persistence.EntityManagerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The whole chain in one process: the {@link ShopInventory} aggregates, the two exactly-once processors (sales to
 * inventory, transfers between shops), the two exactly-once projections (stock and alerts, daily sales), the
 * at-least-once {@link DeductionDelays} timer, and the load generator's ledger, over one log and one database.
 * Closing it stops everything and closes the backend and the database; the log and the database keep everything a
 * later {@link #open} continues from.
 *
 * <p>{@link #catchUp}, {@link #verify} and {@link #replayReadModels} are called from one thread at a time; the
 * accessors may be used from any thread.
 */
public final class PosPlatform implements AutoCloseable {

    /**
     * What to open.
     *
     * @param backend the log; the platform closes it
     * @param jdbcUrl the database for read models, offsets and the ledger
     * @param names   stream and group names
     * @param world   the world to create, or to check the stored one against
     */
    public record Config(LogBackend backend, String jdbcUrl, PosNames names, WorldRequest world) {
        public Config {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(names, "names");
            Objects.requireNonNull(world, "world");
        }
    }

    /** How often a stock check that is still waiting asks shops that have not confirmed it whether they answer. */
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
    private static final int PROBED_SHOPS = 32;

    private final LogBackend backend;
    private final EntityManagerFactory emf;
    private final PosNames names;
    private final World world;
    private final Ledger ledger;
    private final ReadModels readModels;
    private final Tributary tributary;
    private final Operations operations;
    private final List<GroupHandle> processors = new ArrayList<>();
    private final List<ProjectionHandle> projections = new ArrayList<>();
    private final DeductionDelays deductionDelays = new DeductionDelays();
    private ProjectionHandle deductionDelayTimer;
    private int probeCursor;

    private PosPlatform(Config config, EntityManagerFactory emf) {
        this.backend = config.backend();
        this.emf = emf;
        this.names = config.names();
        WorldSpec spec = config.world().resolve(Ledger.storedWorld(emf), "the database at " + config.jdbcUrl());
        this.world = new World(spec);
        this.ledger = Ledger.open(emf, spec);
        this.readModels = new ReadModels(emf);
        this.tributary = backend.attachTo(Tributary.builder())
                .stream(StreamSpec.of(names.salesStream(), spec.partitions()))
                .stream(StreamSpec.of(names.inventoryStream(), spec.partitions()))
                .aggregate(ShopInventory.class, names.inventoryStream())
                // A stable id: a restarted platform fences the transactions its previous incarnation left open.
                .instanceId(names.prefix() + "-platform")
                .build();
        this.operations = new Operations(tributary, names.salesStream(), ledger);
    }

    /** Opens the platform, creating the world on first use, and starts consuming where the last run stopped. */
    public static PosPlatform open(Config config) {
        Objects.requireNonNull(config, "config");
        EntityManagerFactory emf = null;
        PosPlatform platform = null;
        try {
            emf = PosDatabase.open(config.jdbcUrl());
            platform = new PosPlatform(config, emf);
            platform.startGroups();
            return platform;
        } catch (RuntimeException e) {
            if (platform != null) {
                platform.closeQuietly(e);
            } else {
                closeQuietly(e, config.backend());
                if (emf != null) {
                    closeQuietly(e, emf);
                }
            }
            throw e;
        }
    }

    private void startGroups() {
        processors.add(tributary.start(Processor.named(names.salesToInventoryGroup())
                .streams(names.salesStream())
                .handler(new SalesToInventory())
                .build()));
        processors.add(tributary.start(Processor.named(names.transfersGroup())
                .streams(names.inventoryStream())
                .handler(new TransfersBetweenShops())
                .build()));
        InventoryView inventoryView = new InventoryView(names.inventoryStream());
        projections.add(tributary.start(Projection.exactlyOnce(names.inventoryViewGroup())
                .streams(names.inventoryStream())
                .eventHandlers(inventoryView)
                .entityManagerFactory(emf)
                .readModelReset(inventoryView::reset)
                .build()));
        SalesView salesView = new SalesView(names.salesStream());
        projections.add(tributary.start(Projection.exactlyOnce(names.salesViewGroup())
                .streams(names.salesStream())
                .eventHandlers(salesView)
                .entityManagerFactory(emf)
                .readModelReset(salesView::reset)
                .build()));
        // A measurement, not a read model: kept out of lag() and never replayed.
        deductionDelayTimer = tributary.start(Projection.atLeastOnce(names.deductionDelaysGroup())
                .streams(names.inventoryStream())
                .eventHandlers(deductionDelays)
                .build());
    }

    public World world() {
        return world;
    }

    public Ledger ledger() {
        return ledger;
    }

    public ReadModels readModels() {
        return readModels;
    }

    public Operations operations() {
        return operations;
    }

    public Tributary tributary() {
        return tributary;
    }

    public PosNames names() {
        return names;
    }

    public LogBackend backend() {
        return backend;
    }

    /** A load generator; its {@link LoadGenerator#stats() stats} time the deductions of its run from now on. */
    public LoadGenerator loadGenerator(LoadSettings settings) {
        LoadGenerator generator = new LoadGenerator(operations, readModels, world, ledger, settings, Clock.systemUTC());
        deductionDelays.measure(generator.stats());
        return generator;
    }

    /** Entries not yet consumed, over both processors and both projections (an upper bound on Kafka). */
    public long lag() {
        long lag = 0;
        for (GroupHandle group : groups()) {
            lag += group.status().totalLag();
        }
        return lag;
    }

    /** Lag per consumer group, in the order the platform started them. */
    public Map<String, Long> lagByGroup() {
        Map<String, Long> lags = new LinkedHashMap<>();
        for (GroupHandle group : groups()) {
            lags.put(group.group(), group.status().totalLag());
        }
        return lags;
    }

    /** Entries in the sales and inventory streams, as the projections see their ends. */
    public long logEntries() {
        long entries = 0;
        for (ProjectionHandle projection : projections) {
            entries += projection.status().partitions().stream().mapToLong(PartitionStatus::endOffset).sum();
        }
        return entries;
    }

    /** Partitions that stopped after their retries ran out, with the reason. Empty when all is well. */
    public List<String> stoppedPartitions() {
        List<String> stopped = new ArrayList<>();
        for (GroupHandle group : groups()) {
            GroupStatus status = group.status();
            status.stoppedPartitions().forEach(p -> stopped.add(status.group() + " " + p.partition() + " stopped at offset "
                    + p.failure().orElseThrow().offset() + ": " + p.failure().orElseThrow().error()));
        }
        return stopped;
    }

    /**
     * Waits until every fact and command written so far has reached the aggregates, the read models and the
     * deduction timer ({@link RunStats#deductionDelays()}), and answers each shop's stock as its aggregate holds
     * it. Call it once nothing is being sent any more.
     *
     * <p>Commands that processors emit travel on the command stream, which no public status covers, and
     * {@link Tributary#send} does not queue behind them. So a stock check serves as the barrier: requested at the
     * tills, it follows each shop's facts through the sales processor and the command stream, and its confirmation
     * reaches the read model after everything before it. A first round flushes the sales; once the transfers
     * processor has caught up, a second round flushes the transfers it completed.
     *
     * @throws CatchUpException if it takes longer than {@code timeout} or a partition stopped
     */
    public Map<String, StockReport> catchUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        stockCheck(deadline, timeout);
        await(processors.get(1), deadline, timeout);
        stockCheck(deadline, timeout);
        Map<String, StockReport> reports = reportStock(deadline, timeout);
        for (ProjectionHandle projection : projections) {
            await(projection, deadline, timeout);
        }
        await(deductionDelayTimer, deadline, timeout);
        return reports;
    }

    private void stockCheck(long deadline, Duration timeout) throws InterruptedException {
        String checkId = "check-" + UUID.randomUUID();
        Instant now = Instant.now();
        all(world.shops(), shop -> tributary.publish(names.salesStream(), shop, new StockCheckRequested(checkId, shop, now)),
                deadline, timeout, "requesting a stock check of");
        long confirmed;
        long nextProbe = System.nanoTime() + PROBE_INTERVAL.toNanos();
        Map<String, CompletableFuture<StockReport>> probes = new LinkedHashMap<>();
        while ((confirmed = readModels.shopsConfirming(checkId)) < world.shops().size()) {
            failIfStopped();
            if (System.nanoTime() > deadline) {
                throw new CatchUpException(confirmed + " of " + world.shops().size() + " shops confirmed stock check "
                        + checkId + " within " + timeout + "; lag " + lag());
            }
            failIfRefused(probes, checkId);
            if (System.nanoTime() > nextProbe) {
                probeUnconfirmedShops(checkId, probes);
                nextProbe = System.nanoTime() + PROBE_INTERVAL.toNanos();
            }
            Thread.sleep(20);
        }
    }

    /**
     * A shop whose inventory cannot take commands (its partition's writer was fenced, say) would keep a stock check
     * waiting until the timeout. So while it waits, the check asks a few of the shops that have not confirmed yet
     * for their stock, {@value #PROBED_SHOPS} more every {@link #PROBE_INTERVAL}, and a refusal ends the wait with
     * its reason. The answers are not awaited: a busy but healthy shop just answers later.
     */
    private void probeUnconfirmedShops(String checkId, Map<String, CompletableFuture<StockReport>> probes) {
        Set<String> confirmed = readModels.shopsConfirmed(checkId);
        List<String> waiting = world.shops().stream()
                .filter(shop -> !confirmed.contains(shop) && !probes.containsKey(shop)).toList();
        for (int i = 0; i < Math.min(PROBED_SHOPS, waiting.size()); i++) {
            String shop = waiting.get((probeCursor + i) % waiting.size());
            probes.put(shop, tributary.send(new ReportStock(shop)));
        }
        probeCursor += PROBED_SHOPS;
    }

    private static void failIfRefused(Map<String, CompletableFuture<StockReport>> probes, String checkId) {
        for (Map.Entry<String, CompletableFuture<StockReport>> probe : probes.entrySet()) {
            if (probe.getValue().isCompletedExceptionally()) {
                Throwable cause = probe.getValue().handle((r, e) -> e).join();
                while (cause instanceof CompletionException && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                throw new CatchUpException("shop " + probe.getKey() + " has not confirmed stock check " + checkId
                        + " and its inventory refuses commands: " + cause, cause);
            }
        }
    }

    /** Catches up, then checks the read models and the aggregates against the ledger, unit by unit. */
    public VerificationReport verify(Duration timeout) throws InterruptedException {
        Map<String, StockReport> aggregates = catchUp(timeout);
        return Verifier.verify(world, ledger, readModels, aggregates);
    }

    /**
     * Empties both read models and rebuilds them from the first event of the log. Returns once the reset is done;
     * {@link #catchUp} waits for the rebuild.
     */
    public void replayReadModels() {
        for (ProjectionHandle projection : projections) {
            projection.replay(ResetPosition.beginning());
        }
    }

    private Map<String, StockReport> reportStock(long deadline, Duration timeout) throws InterruptedException {
        Map<String, StockReport> reports = new ConcurrentHashMap<>();
        all(world.shops(), shop -> tributary.<StockReport>send(new ReportStock(shop)).thenAccept(r -> reports.put(shop, r)),
                deadline, timeout, "asking for the stock of");
        return reports;
    }

    /** Runs {@code operation} for every shop, at most 256 at a time, and waits for all of them. */
    private void all(List<String> shops, Function<String, CompletableFuture<?>> operation, long deadline,
                     Duration timeout, String what) throws InterruptedException {
        Semaphore window = new Semaphore(256);
        List<CompletableFuture<?>> pending = new ArrayList<>(shops.size());
        try {
            for (String shop : shops) {
                if (!window.tryAcquire(remaining(deadline), TimeUnit.NANOSECONDS)) {
                    throw new TimeoutException();
                }
                pending.add(operation.apply(shop).whenComplete((r, e) -> window.release()));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new CatchUpException(what + " " + shops.size() + " shops failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new CatchUpException(what + " " + shops.size() + " shops took longer than " + timeout);
        }
    }

    private void failIfStopped() {
        List<String> stopped = stoppedPartitions();
        if (!stopped.isEmpty()) {
            throw new CatchUpException("a partition stopped: " + String.join("; ", stopped));
        }
    }

    private static void await(GroupHandle group, long deadline, Duration timeout) throws InterruptedException {
        if (!group.awaitCaughtUp(Duration.ofNanos(remaining(deadline)))) {
            GroupStatus status = group.status();
            if (!status.stoppedPartitions().isEmpty()) {
                PartitionStatus stopped = status.stoppedPartitions().get(0);
                throw new CatchUpException("group " + group.group() + " stopped on " + stopped.partition() + " at offset "
                        + stopped.failure().orElseThrow().offset() + ": " + stopped.failure().orElseThrow().error(),
                        stopped.failure().orElseThrow().cause());
            }
            throw new CatchUpException("group " + group.group() + " did not catch up within " + timeout + "; lag "
                    + status.totalLag());
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private List<GroupHandle> groups() {
        List<GroupHandle> groups = new ArrayList<>(processors);
        groups.addAll(projections);
        return groups;
    }

    /** Stops consuming, then closes the log backend and the database. */
    @Override
    public void close() {
        RuntimeException failure = new IllegalStateException("closing the POS platform failed");
        closeQuietly(failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private void closeQuietly(Throwable failure) {
        closeQuietly(failure, tributary);
        closeQuietly(failure, backend);
        closeQuietly(failure, emf);
    }

    private static void closeQuietly(Throwable failure, AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** The platform could not catch up in time, or a partition stopped. */
    public static final class CatchUpException extends IllegalStateException {
        public CatchUpException(String message) {
            super(message);
        }

        public CatchUpException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
