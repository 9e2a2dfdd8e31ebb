package dev.tributary.sample.pos;

import dev.tributary.sample.pos.PosOptions.Backend;
import dev.tributary.sample.pos.PosOptions.Command;
import dev.tributary.sample.pos.PosOptions.UsageException;
import dev.tributary.sample.pos.load.DelayHistogram;
import dev.tributary.sample.pos.load.LoadGenerator;
import dev.tributary.sample.pos.load.RunStats;
import dev.tributary.sample.pos.readmodel.DailySales;
import dev.tributary.sample.pos.readmodel.ReadModels;
import dev.tributary.sample.pos.readmodel.StockAlert;
import dev.tributary.sample.pos.readmodel.StockOnHand;
import dev.tributary.sample.pos.verify.VerificationReport;
import jakarta.persistence.EntityManagerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The command line: {@code run}, {@code replay}, {@code verify}, and the queries {@code stock}, {@code sales},
 * {@code shortages}. See {@link PosOptions#usage()}.
 *
 * <p>Ctrl-C during {@code run} stops the tills, waits for every sale in flight to be acknowledged, saves the
 * ledger, lets the consumers catch up briefly and closes; running the same command again continues the world.
 */
public final class PosMain {

    static final int OK = 0;
    static final int VERIFICATION_FAILED = 1;
    static final int USAGE = 2;
    static final int FAILED = 3;
    static final int INTERRUPTED = 130;

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration CATCH_UP_ON_STOP = Duration.ofSeconds(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final PrintStream out;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Thread worker;

    PosMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        PosMain main = new PosMain(System.out);
        AtomicBoolean shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            main.requestStop();
        }, "pos-shutdown"));
        int code = main.execute(args);
        if (!shuttingDown.get()) {
            System.exit(code);
        }
    }

    /** Ctrl-C: asks the running command to stop and waits (bounded) until it has closed everything. */
    void requestStop() {
        if (finished.getCount() == 0) {
            return;
        }
        out.println();
        out.println("Stopping: finishing the work in flight, saving the ledger, closing the log and the database...");
        stopRequested.set(true);
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
        try {
            if (!finished.await(DRAIN_TIMEOUT.plus(CATCH_UP_ON_STOP).plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("gave up waiting for a clean stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int execute(String... args) {
        try {
            PosOptions options = PosOptions.parse(args);
            return switch (options.command()) {
                case HELP -> {
                    out.print(PosOptions.usage());
                    yield OK;
                }
                case RUN -> run(options);
                case REPLAY, VERIFY -> replayOrVerify(options);
                case STOCK, SALES, SHORTAGES -> query(options);
            };
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("run with --help for the commands and options");
            return USAGE;
        } catch (InterruptedException e) {
            out.println("Interrupted.");
            return INTERRUPTED;
        } catch (RuntimeException e) {
            if (stopRequested.get()) {
                // Ctrl-C interrupted a call that reports interruption as its own failure.
                out.println("Interrupted: " + e.getMessage());
                return INTERRUPTED;
            }
            System.err.println("error: " + e.getMessage());
            if (!(e instanceof PosPlatform.CatchUpException || e instanceof IllegalArgumentException)) {
                e.printStackTrace();
            }
            return FAILED;
        } finally {
            finished.countDown();
        }
    }

    private int run(PosOptions options) throws InterruptedException {
        try (PosPlatform pos = open(options)) {
            LoadGenerator generator = pos.loadGenerator(options.load());
            if (!pos.ledger().shopsOpened()) {
                out.printf("Opening %,d shops with their stock...%n", pos.world().shops().size());
                long opening = System.nanoTime();
                generator.openShops(Duration.ofMinutes(5));
                out.printf("Opened them in %.1f s.%n", (System.nanoTime() - opening) / 1e9);
            }
            RunStats stats = generator.stats();
            long tallyBefore = tally(pos);
            double seconds = options.load().duration().toMillis() / 1000.0;
            out.printf("Run %d: %s; tills run for %s at %s%n", pos.ledger().runs() + 1, pos.world().spec(),
                    human(options.load().duration()),
                    options.load().salesPerSecond() == 0 ? "full speed" : options.load().salesPerSecond() + " receipts/s");
            ProgressLine progress = ProgressLine.start(out, () -> String.format(
                    "%s %5.1f/%.0f s | sales %,d (%,.0f/s) | events %,d | lag %,d | transfers %,d (%,d refused)",
                    ProgressLine.bar(stats.elapsedSeconds() / seconds), Math.min(stats.elapsedSeconds(), seconds), seconds,
                    stats.salesAccepted(), stats.salesPerSecond(), tally(pos) - tallyBefore, pos.lag(),
                    stats.transfersAccepted(), stats.transfersRefused()));
            try {
                generator.run(stopRequested::get, DRAIN_TIMEOUT);
            } finally {
                progress.close();
            }
            long lagAtEnd = pos.lag();
            // The ledger is saved: from here on Ctrl-C may simply interrupt the catching up.
            worker = Thread.currentThread();
            if (stopRequested.get()) {
                out.printf("Stopped after %,d sales; catching up for at most %s...%n", stats.salesAccepted(),
                        human(CATCH_UP_ON_STOP));
                try {
                    pos.catchUp(CATCH_UP_ON_STOP);
                } catch (PosPlatform.CatchUpException e) {
                    out.println("Not caught up (" + e.getMessage() + "); the next start continues from the stored offsets.");
                }
                out.println("Stopped cleanly. Run the same command again to continue this world.");
                return INTERRUPTED;
            }
            long catchUpStart = System.nanoTime();
            VerificationReport report = withProgress(pos, "catching up", () -> pos.verify(CATCH_UP_TIMEOUT));
            double catchUpSeconds = (System.nanoTime() - catchUpStart) / 1e9;
            long events = tally(pos) - tallyBefore;
            printSummary(pos, stats, events, lagAtEnd, catchUpSeconds);
            out.print(report.render());
            return report.ok() && stats.failures() == 0 ? OK : VERIFICATION_FAILED;
        }
    }

    private void printSummary(PosPlatform pos, RunStats stats, long events, long lagAtEnd, double catchUpSeconds) {
        Map<String, Long> tallies = pos.readModels().eventTallies();
        out.printf("Run %d finished after %.1f s on the %s%n", pos.ledger().runs(), stats.elapsedSeconds(), pos.backend());
        out.printf("  sales accepted  %,d receipts, %,d units (%,.0f receipts/s); failed operations %,d%s%n",
                stats.salesAccepted(), stats.unitsSold(), stats.salesPerSecond(), stats.failures(),
                stats.firstFailure() == null ? "" : " (first: " + stats.firstFailure() + ")");
        out.printf("  voids, returns  %,d, %,d%n", stats.voids(), stats.returns());
        out.printf("  deliveries      %,d%n", stats.deliveries());
        out.printf("  transfers       %,d accepted, %,d refused%s%n", stats.transfersAccepted(), stats.transfersRefused(),
                stats.exampleTransferRefusal() == null ? "" : ", e.g. \"" + stats.exampleTransferRefusal() + "\"");
        out.printf("  stock counts    %,d accepted, %,d refused%s%n", stats.countsAccepted(), stats.countsRefused(),
                stats.exampleCountRefusal() == null ? "" : ", e.g. \"" + stats.exampleCountRefusal() + "\"");
        out.printf("  events          %,d projected in this run; in all %,d sales and %,d inventory events%n", events,
                tallies.getOrDefault(pos.names().salesStream(), 0L), tallies.getOrDefault(pos.names().inventoryStream(), 0L));
        out.printf("  throughput      %,.0f receipts/s accepted; %,.0f events/s projected, end to end%n",
                stats.salesPerSecond(), events / (stats.elapsedSeconds() + catchUpSeconds));
        out.printf("  lag             %,d when the tills stopped; caught up and verified in %.1f s%n", lagAtEnd,
                catchUpSeconds);
        out.println("  deducted        " + behindTheTills(stats.deductionDelays()));
    }

    /** {@code p50 3 ms, p99 12 ms, max 40 ms behind the tills (14,780 sales)} */
    static String behindTheTills(DelayHistogram delays) {
        if (delays.count() == 0) {
            return "no sale of this run to time";
        }
        return String.format("p50 %,d ms, p99 %,d ms, max %,d ms behind the tills (%,d sales)", delays.percentile(50),
                delays.percentile(99), delays.max(), delays.count());
    }

    private int replayOrVerify(PosOptions options) throws InterruptedException {
        if (options.backend() == Backend.MEMORY) {
            throw new UsageException("--backend memory keeps nothing between commands: " + options.command().cli()
                    + " needs a durable log; use run, which verifies at its end");
        }
        // Unlike run, which must drain and save its ledger, these may simply be interrupted by Ctrl-C.
        worker = Thread.currentThread();
        try (PosPlatform pos = open(options)) {
            if (!pos.ledger().shopsOpened()) {
                throw new UsageException("there is no world here yet: start with run");
            }
            if (options.command() == Command.REPLAY) {
                long before = System.nanoTime();
                pos.replayReadModels();
                long total = pos.logEntries();
                out.printf("Replaying %,d log entries into the read models...%n", total);
                VerificationReport report = withReplayProgress(pos, () -> pos.verify(CATCH_UP_TIMEOUT), total);
                out.printf("Replayed in %.1f s.%n", (System.nanoTime() - before) / 1e9);
                out.print(report.render());
                return report.ok() ? OK : VERIFICATION_FAILED;
            }
            VerificationReport report = withProgress(pos, "catching up", () -> pos.verify(CATCH_UP_TIMEOUT));
            out.print(report.render());
            return report.ok() ? OK : VERIFICATION_FAILED;
        }
    }

    private int query(PosOptions options) {
        if (options.backend() == Backend.MEMORY) {
            throw new UsageException("--backend memory keeps nothing between commands: queries need the data of an"
                    + " earlier run; use the default backend");
        }
        try (EntityManagerFactory emf = PosDatabase.open(jdbcUrl(options))) {
            ReadModels readModels = new ReadModels(emf);
            switch (options.command()) {
                case STOCK -> {
                    List<StockOnHand> rows = readModels.stock(options.shop().orElseThrow(), options.item());
                    if (rows.isEmpty()) {
                        out.println("No stock recorded for shop " + options.shop().get()
                                + options.item().map(i -> " and item " + i).orElse(""));
                    }
                    out.printf("%-8s %-6s %9s %8s  %s%n", "shop", "item", "on hand", "reorder", "updated");
                    rows.forEach(r -> out.printf("%-8s %-6s %,9d %,8d  %s%n", r.shopId(), r.itemId(), r.onHand(),
                            r.reorderLevel(), r.updatedAt()));
                }
                case SALES -> {
                    List<DailySales> rows = readModels.sales(options.shop(), options.day(), options.limit());
                    out.printf("%-8s %-10s %9s %7s %7s %10s %14s%n", "shop", "day", "receipts", "voids", "returns",
                            "units net", "takings net");
                    rows.forEach(r -> out.printf("%-8s %-10s %,9d %,7d %,7d %,10d %,14.2f%n", r.shopId(), r.day(),
                            r.receipts(), r.voids(), r.returns(), r.unitsSold() - r.unitsVoided() - r.unitsReturned(),
                            r.netCents() / 100.0));
                }
                case SHORTAGES -> {
                    List<StockAlert> rows = readModels.alerts(options.shop(), options.limit());
                    out.printf("%,d shortages and %,d low-stock items in all%n",
                            readModels.alertCount(StockAlert.Level.SHORTAGE), readModels.alertCount(StockAlert.Level.LOW));
                    out.printf("%-8s %-6s %-8s %8s %8s %10s  %s%n", "shop", "item", "level", "on hand", "reorder",
                            "shortages", "listed since");
                    rows.forEach(a -> out.printf("%-8s %-6s %-8s %,8d %,8d %,10d  %s%n", a.shopId(), a.itemId(),
                            a.level(), a.onHand(), a.reorderLevel(), a.shortagesRaised(), a.since()));
                }
                default -> throw new IllegalStateException("not a query: " + options.command());
            }
            return OK;
        }
    }

    private PosPlatform open(PosOptions options) {
        LogBackend backend;
        if (options.backend() == Backend.MEMORY) {
            backend = LogBackend.inMemory();
        } else if (options.bootstrapServers().isPresent()) {
            backend = LogBackend.kafka(options.bootstrapServers().get());
        } else {
            Path kafkaDir = options.dataDir().resolve("kafka").toAbsolutePath();
            createDirectories(kafkaDir);
            out.println("Starting the embedded Kafka broker (data in " + kafkaDir + ")...");
            backend = LogBackend.embeddedKafka(kafkaDir, options.kafkaPort());
        }
        String jdbcUrl = jdbcUrl(options);
        out.println("Log: " + backend + "; database: " + jdbcUrl);
        return PosPlatform.open(new PosPlatform.Config(backend, jdbcUrl, PosNames.DEFAULT, options.world()));
    }

    private String jdbcUrl(PosOptions options) {
        if (options.jdbcUrl().isPresent()) {
            return options.jdbcUrl().get();
        }
        if (options.backend() == Backend.MEMORY) {
            return PosDatabase.hsqldbMemoryUrl("pos-" + UUID.randomUUID());
        }
        Path dbDir = options.dataDir().resolve("db");
        createDirectories(dbDir);
        return PosDatabase.hsqldbFileUrl(dbDir);
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create the data folder " + dir.toAbsolutePath() + ": " + e, e);
        }
    }

    private static String human(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static long tally(PosPlatform pos) {
        return pos.readModels().eventTallies().values().stream().mapToLong(Long::longValue).sum();
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws InterruptedException;
    }

    private <T> T withProgress(PosPlatform pos, String label, Work<T> work) throws InterruptedException {
        return withLine(() -> String.format("%s | lag %,d", label, pos.lag()), work);
    }

    private <T> T withReplayProgress(PosPlatform pos, Work<T> work, long total) throws InterruptedException {
        return withLine(() -> {
            long lag = pos.lag();
            long done = Math.max(0, total - lag);
            return String.format("replay %s | %,d of %,d entries | lag %,d",
                    ProgressLine.bar(total == 0 ? 1 : (double) done / total), done, total, lag);
        }, work);
    }

    private <T> T withLine(java.util.function.Supplier<String> line, Work<T> work) throws InterruptedException {
        ProgressLine progress = ProgressLine.start(out, line);
        try {
            return work.run();
        } finally {
            progress.close();
        }
    }
}
