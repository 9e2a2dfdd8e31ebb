package dev.tributary.sample.pos.load;

import dev.tributary.sample.pos.inventory.InsufficientStockException;
import dev.tributary.sample.pos.inventory.StockLine;
import dev.tributary.sample.pos.inventory.StockMovedDuringCountException;
import dev.tributary.sample.pos.readmodel.ReadModels;
import dev.tributary.sample.pos.readmodel.ShopItemKey;
import dev.tributary.sample.pos.readmodel.StockAlert;
import dev.tributary.sample.pos.sales.SaleLine;
import dev.tributary.sample.pos.sales.SalesEvents.ItemsReturned;
import dev.tributary.sample.pos.sales.SalesEvents.SaleRecorded;
import dev.tributary.sample.pos.sales.SalesEvents.SaleVoided;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Drives the chain: till threads ring up sales (with the odd void and return) at a target rate without waiting for
 * them, while a back-office thread moves stock between shops, counts it, and reorders what the low-stock list
 * shows. Every accepted movement is booked in the {@link Ledger} through {@link Operations}.
 */
public final class LoadGenerator {

    private static final double VOID_SHARE = 0.01;
    private static final double RETURN_SHARE = 0.02;
    private static final long REORDER_QUANTITY = 60;
    private static final Duration REORDER_INTERVAL = Duration.ofSeconds(1);
    private static final Duration REORDER_AGAIN_AFTER = Duration.ofSeconds(5);

    private final Operations operations;
    private final ReadModels readModels;
    private final World world;
    private final LoadSettings settings;
    private final Ledger ledger;
    private final Clock clock;
    private final RunStats stats = new RunStats();
    private final AtomicLong inFlight = new AtomicLong();

    public LoadGenerator(Operations operations, ReadModels readModels, World world, Ledger ledger,
                         LoadSettings settings, Clock clock) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.readModels = Objects.requireNonNull(readModels, "readModels");
        this.world = Objects.requireNonNull(world, "world");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Opens every shop with its opening stock, unless the ledger says they already are. Not interruptible: a
     * half-opened world could not be continued.
     */
    public void openShops(Duration timeout) throws InterruptedException {
        if (ledger.shopsOpened()) {
            return;
        }
        Semaphore window = new Semaphore(256);
        List<CompletableFuture<Void>> opened = new ArrayList<>(world.shops().size());
        for (int s = 0; s < world.shops().size(); s++) {
            window.acquire();
            opened.add(operations.openShop(world.shops().get(s), world.openingStock(s))
                    .whenComplete((ok, error) -> window.release()));
        }
        try {
            CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("opening the shops failed: " + unwrap(e), unwrap(e));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("opening " + world.shops().size() + " shops took longer than " + timeout);
        }
        ledger.shopsOpened(true);
        ledger.save();
    }

    /** The live counters of the run, for a progress display. */
    public RunStats stats() {
        return stats;
    }

    /**
     * Runs the load for the configured duration or until {@code stopRequested}, then waits up to
     * {@code drainTimeout} for every operation in flight to be acknowledged, and saves the ledger.
     *
     * @return the run's counters
     * @throws IllegalStateException if operations are still in flight after {@code drainTimeout}
     */
    public RunStats run(BooleanSupplier stopRequested, Duration drainTimeout) throws InterruptedException {
        int run = ledger.startRun();
        stats.started(clock.instant());
        long deadline = System.nanoTime() + settings.duration().toNanos();
        AtomicBoolean stop = new AtomicBoolean();
        BooleanSupplier keepGoing = () -> !stop.get() && !stopRequested.getAsBoolean() && System.nanoTime() < deadline;
        Semaphore window = new Semaphore(settings.maxInFlight());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < settings.tillThreads(); t++) {
            int threadIndex = t;
            threads.add(daemon("pos-tills-" + t, () -> ringUpSales(run, threadIndex, keepGoing, window)));
        }
        threads.add(daemon("pos-back-office", () -> runBackOffice(run, keepGoing)));
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(drainTimeout.toMillis());
            }
            stats.ended();
        }
        try {
            awaitInFlight(drainTimeout);
        } finally {
            ledger.save();
        }
        return stats;
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void awaitInFlight(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(inFlight.get() + " operation(s) were still unacknowledged after "
                        + timeout + "; the ledger cannot be trusted for them");
            }
            Thread.sleep(5);
        }
    }

    private void ringUpSales(int run, int threadIndex, BooleanSupplier keepGoing, Semaphore window) {
        SplittableRandom random = new SplittableRandom(world.spec().seed() * 7_919 + run * 104_729L + threadIndex);
        List<TillState> tills = new ArrayList<>();
        for (int i = threadIndex; i < world.tills().size(); i += settings.tillThreads()) {
            tills.add(new TillState(world.tills().get(i), world.shopOfTill(i)));
        }
        if (tills.isEmpty()) {
            return;
        }
        long interval = settings.salesPerSecond() == 0 ? 0
                : (long) (1e9 * settings.tillThreads() / settings.salesPerSecond());
        long next = System.nanoTime();
        try {
            while (keepGoing.getAsBoolean()) {
                if (interval > 0) {
                    long now = System.nanoTime();
                    if (next > now) {
                        TimeUnit.NANOSECONDS.sleep(next - now);
                    } else if (now - next > TimeUnit.SECONDS.toNanos(1)) {
                        next = now; // fell far behind: do not burst to catch up
                    }
                    next += interval;
                }
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                TillState till = tills.get(random.nextInt(tills.size()));
                double dice = random.nextDouble();
                CompletableFuture<Void> sent;
                if (dice < VOID_SHARE && till.lastSale != null) {
                    SaleRecorded voided = till.lastSale;
                    till.lastSale = null;
                    sent = operations.voidSale(new SaleVoided(till.nextId("v", run), till.shopId, till.tillId,
                            voided.receiptId(), voided.lines(), clock.instant()))
                            .thenRun(stats.voids::incrementAndGet);
                } else if (dice < VOID_SHARE + RETURN_SHARE && till.lastSale != null) {
                    SaleRecorded original = till.lastSale;
                    till.lastSale = null;
                    SaleLine line = original.lines().get(0);
                    sent = operations.recordReturn(new ItemsReturned(till.nextId("x", run), till.shopId, till.tillId,
                            original.receiptId(), List.of(new SaleLine(line.itemId(), 1, line.unitPriceCents())),
                            clock.instant())).thenRun(stats.returns::incrementAndGet);
                } else {
                    SaleRecorded sale = new SaleRecorded(till.nextId("r", run), till.shopId, till.tillId,
                            basket(random), clock.instant());
                    till.lastSale = sale;
                    sent = operations.recordSale(sale).thenRun(() -> {
                        stats.salesAccepted.incrementAndGet();
                        stats.unitsSold.addAndGet(sale.units());
                    });
                }
                track(sent, (ok, error) -> {
                    window.release();
                    if (error != null) {
                        stats.failed(error);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<SaleLine> basket(SplittableRandom random) {
        int lines = 1 + random.nextInt(4);
        List<SaleLine> basket = new ArrayList<>(lines);
        for (int l = 0; l < lines; l++) {
            int item = popularItem(random);
            double q = random.nextDouble();
            basket.add(new SaleLine(world.items().get(item), q < 0.8 ? 1 : q < 0.95 ? 2 : 3, world.priceCents(item)));
        }
        return basket;
    }

    /** Low item numbers sell far more often than high ones, so popular items run low first. */
    private int popularItem(SplittableRandom random) {
        double u = random.nextDouble();
        return Math.min(world.items().size() - 1, (int) (world.items().size() * u * u));
    }

    private void runBackOffice(int run, BooleanSupplier keepGoing) {
        SplittableRandom random = new SplittableRandom(world.spec().seed() * 31 + run);
        Semaphore window = new Semaphore(500);
        Map<ShopItemKey, Long> reorderedAt = new HashMap<>();
        long started = System.nanoTime();
        long transfersDone = 0;
        long countsDone = 0;
        long lastReorder = 0;
        long sequence = 0;
        try {
            while (keepGoing.getAsBoolean()) {
                double seconds = (System.nanoTime() - started) / 1e9;
                while (transfersDone < seconds * settings.transfersPerSecond() && window.tryAcquire()) {
                    transfersDone++;
                    transfer(run, ++sequence, random, window);
                }
                while (countsDone < seconds * settings.countsPerSecond() && window.tryAcquire()) {
                    countsDone++;
                    count(run, ++sequence, random, window);
                }
                if (System.nanoTime() - lastReorder > REORDER_INTERVAL.toNanos()) {
                    lastReorder = System.nanoTime();
                    sequence = reorder(run, sequence, reorderedAt, window);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            stats.failed(e);
        }
    }

    private void transfer(int run, long sequence, SplittableRandom random, Semaphore window) {
        if (world.shops().size() < 2) {
            window.release();
            return;
        }
        int from = random.nextInt(world.shops().size());
        int to = (from + 1 + random.nextInt(world.shops().size() - 1)) % world.shops().size();
        String item = world.items().get(popularItem(random));
        long quantity = 5 + random.nextInt(21);
        track(operations.transfer("t" + run + "-" + sequence, world.shops().get(from), world.shops().get(to), item,
                quantity), (ok, error) -> {
            window.release();
            if (error == null) {
                stats.transfersAccepted.incrementAndGet();
            } else if (error instanceof InsufficientStockException refused) {
                stats.transfersRefused.incrementAndGet();
                stats.exampleTransferRefusal.compareAndSet(null, refused.getMessage());
            } else {
                stats.failed(error);
            }
        });
    }

    private void count(int run, long sequence, SplittableRandom random, Semaphore window) {
        String shop = world.shops().get(random.nextInt(world.shops().size()));
        String item = world.items().get(random.nextInt(world.items().size()));
        OptionalLong shown = readModels.onHand(shop, item);
        if (shown.isEmpty()) {
            window.release();
            return;
        }
        long expected = shown.getAsLong();
        // A shop that shows a shortage finds a few units on the shelf; otherwise the count is off by up to two.
        long counted = expected < 0 ? random.nextInt(4) : Math.max(0, expected + random.nextInt(5) - 2);
        track(operations.count("c" + run + "-" + sequence, shop, item, expected, counted), (ok, error) -> {
            window.release();
            if (error == null) {
                stats.countsAccepted.incrementAndGet();
            } else if (error instanceof StockMovedDuringCountException refused) {
                stats.countsRefused.incrementAndGet();
                stats.exampleCountRefusal.compareAndSet(null, refused.getMessage());
            } else {
                stats.failed(error);
            }
        });
    }

    private long reorder(int run, long sequence, Map<ShopItemKey, Long> reorderedAt, Semaphore window) {
        long now = System.nanoTime();
        for (StockAlert alert : readModels.alerts(Optional.empty(), 500)) {
            Long last = reorderedAt.get(alert.key());
            if (last != null && now - last < REORDER_AGAIN_AFTER.toNanos()) {
                continue;
            }
            if (!window.tryAcquire()) {
                break;
            }
            reorderedAt.put(alert.key(), now);
            long quantity = REORDER_QUANTITY + Math.max(0, -alert.onHand());
            track(operations.receiveDelivery(alert.shopId(), "d" + run + "-" + ++sequence,
                    List.of(new StockLine(alert.itemId(), quantity))), (ok, error) -> {
                window.release();
                if (error == null) {
                    stats.deliveries.incrementAndGet();
                } else {
                    stats.failed(error);
                }
            });
        }
        reorderedAt.values().removeIf(at -> now - at > REORDER_AGAIN_AFTER.toNanos());
        return sequence;
    }

    private <T> void track(CompletableFuture<T> operation, BiConsumer<T, Throwable> onDone) {
        inFlight.incrementAndGet();
        operation.whenComplete((result, error) -> {
            try {
                onDone.accept(result, error == null ? null : unwrap(error));
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** A till's own state; only its thread touches it. */
    private static final class TillState {
        private final String tillId;
        private final String shopId;
        private long sequence;
        private SaleRecorded lastSale;

        TillState(String tillId, String shopId) {
            this.tillId = tillId;
            this.shopId = shopId;
        }

        String nextId(String kind, int run) {
            return tillId + "-" + kind + run + "-" + ++sequence;
        }
    }
}
