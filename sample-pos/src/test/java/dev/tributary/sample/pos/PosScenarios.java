package dev.tributary.sample.pos;

import dev.tributary.api.Processor;
import dev.tributary.sample.pos.inventory.InsufficientStockException;
import dev.tributary.sample.pos.inventory.InventoryCommands.DeductSale;
import dev.tributary.sample.pos.inventory.SourcePosition;
import dev.tributary.sample.pos.inventory.StockLine;
import dev.tributary.sample.pos.inventory.StockMovedDuringCountException;
import dev.tributary.sample.pos.inventory.InventoryCommands.ReportStock;
import dev.tributary.sample.pos.inventory.StockReport;
import dev.tributary.sample.pos.load.DelayHistogram;
import dev.tributary.sample.pos.load.LoadGenerator;
import dev.tributary.sample.pos.load.LoadSettings;
import dev.tributary.sample.pos.load.Movement;
import dev.tributary.sample.pos.load.RunStats;
import dev.tributary.sample.pos.load.WorldRequest;
import dev.tributary.sample.pos.load.WorldSpec;
import dev.tributary.sample.pos.readmodel.ShopItemKey;
import dev.tributary.sample.pos.readmodel.StockAlert;
import dev.tributary.sample.pos.readmodel.StockOnHand;
import dev.tributary.sample.pos.sales.SaleLine;
import dev.tributary.sample.pos.sales.SalesEvents.SaleRecorded;
import dev.tributary.sample.pos.verify.VerificationReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample's scenarios, run once per backend by a subclass that supplies the log. Each test gets its own
 * stream and group names, and its own database, so the Kafka subclass can share one broker: an HSQLDB file
 * database by default, or a schema of its own on PostgreSQL when {@value #URL_PROPERTY} names one (the
 * {@code postgresql} Maven profile does).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class PosScenarios {

    static final WorldSpec WORLD = new WorldSpec(24, 48, 8, 3, 7);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final AtomicInteger WORLDS = new AtomicInteger();

    static final String URL_PROPERTY = "tributary.test.jdbc.url";

    @TempDir
    Path dir;

    /** The schema this test created on PostgreSQL, dropped after it; null on HSQLDB. */
    private String postgresSchema;
    private String databaseUrl;

    private final PosNames names = new PosNames("pos" + WORLDS.incrementAndGet() + "-"
            + getClass().getSimpleName().toLowerCase());

    /** A backend on this test's log; every call within a test reaches the same log. */
    abstract LogBackend log();

    /** The length of a short load run on this backend. */
    abstract Duration loadDuration();

    private PosPlatform open() {
        return PosPlatform.open(new PosPlatform.Config(log(), databaseUrl(), names, WorldRequest.exactly(WORLD)));
    }

    /** The same database for every {@link #open()} of a test, so that restarts find what the last run left. */
    private String databaseUrl() {
        if (databaseUrl == null) {
            String base = System.getProperty(URL_PROPERTY, "jdbc:hsqldb:mem:");
            if (base.startsWith("jdbc:postgresql:")) {
                String schema = "pos_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
                execute(base, "CREATE SCHEMA " + schema);
                postgresSchema = schema;
                databaseUrl = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            } else if (base.startsWith("jdbc:hsqldb:")) {
                databaseUrl = PosDatabase.hsqldbFileUrl(dir.resolve("db"));
            } else {
                throw new IllegalArgumentException(URL_PROPERTY + " must start with jdbc:hsqldb: or jdbc:postgresql:, got '"
                        + base + "'");
            }
        }
        return databaseUrl;
    }

    @AfterEach
    void dropPostgresSchema() {
        if (postgresSchema != null) {
            execute(System.getProperty(URL_PROPERTY), "DROP SCHEMA " + postgresSchema + " CASCADE");
        }
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + url + ": " + e.getMessage(), e);
        }
    }

    private LoadSettings load() {
        return new LoadSettings(300, loadDuration(), 2, 1_000);
    }

    private static LoadGenerator openedShops(PosPlatform pos, LoadSettings load) throws InterruptedException {
        LoadGenerator generator = pos.loadGenerator(load);
        generator.openShops(Duration.ofSeconds(60));
        return generator;
    }

    /**
     * Every sale the run accepted was deducted and its delay behind the till measured; earlier runs' sales were not.
     * The figures themselves depend on the machine, so only their order is checked.
     */
    private static void assertEveryDeductionOfTheRunTimed(RunStats run) {
        DelayHistogram delays = run.deductionDelays();
        assertEquals(run.salesAccepted(), delays.count(), "sales of the run whose deduction was timed");
        long p50 = delays.percentile(50);
        long p99 = delays.percentile(99);
        assertTrue(0 <= p50 && p50 <= p99 && p99 <= delays.max(),
                "p50 " + p50 + " ms, p99 " + p99 + " ms, max " + delays.max() + " ms are not in order");
    }

    private static void assertVerified(VerificationReport report) {
        assertTrue(report.ok(), report::render);
        assertEquals((long) WORLD.shops() * WORLD.items(), report.stockLines(), report::render);
        assertEquals(WORLD.shops(), report.shopsSales(), report::render);
    }

    @Test
    void a_load_run_leaves_every_shops_stock_equal_to_the_ledger_and_to_the_aggregate() throws Exception {
        try (PosPlatform pos = open()) {
            RunStats stats = openedShops(pos, load()).run(() -> false, DRAIN);

            assertEquals(0, stats.failures(), () -> "first failure: " + stats.firstFailure());
            assertTrue(stats.salesAccepted() > 100, "only " + stats.salesAccepted() + " sales were accepted");
            assertTrue(stats.transfersAccepted() + stats.transfersRefused() > 0, "the back office made no transfer");
            VerificationReport report = pos.verify(CATCH_UP);
            assertVerified(report);
            assertEquals(pos.ledger().total(Movement.SOLD), report.totals().sold());
            assertTrue(report.totals().sold() >= stats.unitsSold());
            assertEveryDeductionOfTheRunTimed(stats);
        }
    }

    @Test
    void a_replay_rebuilds_the_read_models_to_the_same_verified_stock() throws Exception {
        try (PosPlatform pos = open()) {
            RunStats stats = openedShops(pos, load()).run(() -> false, DRAIN);
            assertVerified(pos.verify(CATCH_UP));
            Map<ShopItemKey, Long> before = onHand(pos);
            Map<String, Long> talliesBefore = pos.readModels().eventTallies();

            pos.replayReadModels();
            VerificationReport afterReplay = pos.verify(CATCH_UP);

            assertVerified(afterReplay);
            assertEquals(before, onHand(pos));
            // The replay re-applied every event once (plus the verification's own stock checks, two per shop).
            assertEquals(talliesBefore.get(names.salesStream()), pos.readModels().eventTallies().get(names.salesStream()));
            assertEquals(talliesBefore.get(names.inventoryStream()) + 2L * WORLD.shops(),
                    pos.readModels().eventTallies().get(names.inventoryStream()));
            // The replay did not time the run's deductions a second time.
            assertEveryDeductionOfTheRunTimed(stats);
        }
    }

    @Test
    void a_run_stopped_midway_continues_after_a_restart_and_still_verifies() throws Exception {
        LoadSettings longLoad = new LoadSettings(300, Duration.ofMinutes(5), 2, 1_000);
        long soldBeforeStop;
        try (PosPlatform pos = open()) {
            long stopAt = System.nanoTime() + loadDuration().toNanos();
            RunStats stopped = openedShops(pos, longLoad).run(() -> System.nanoTime() > stopAt, DRAIN);
            assertTrue(stopped.elapsedSeconds() < 60, "the stop request was not honoured");
            soldBeforeStop = pos.ledger().total(Movement.SOLD);
            assertTrue(soldBeforeStop > 0, "nothing was sold before the stop");
        }

        try (PosPlatform pos = open()) {
            assertTrue(pos.ledger().shopsOpened(), "the restarted platform lost the opened shops");
            assertEquals(1, pos.ledger().runs());
            assertEquals(soldBeforeStop, pos.ledger().total(Movement.SOLD), "the ledger did not survive the restart");
            RunStats resumed = openedShops(pos, load()).run(() -> false, DRAIN);

            assertEquals(0, resumed.failures(), () -> "first failure: " + resumed.firstFailure());
            assertEquals(2, pos.ledger().runs());
            assertTrue(pos.ledger().total(Movement.SOLD) > soldBeforeStop, "the second run sold nothing");
            assertVerified(pos.verify(CATCH_UP));
            // Sales of the stopped run that inventory deducted only after the restart are not the resumed run's.
            assertEveryDeductionOfTheRunTimed(resumed);
        }
    }

    @Test
    void a_transfer_of_more_than_the_shop_has_is_refused_naming_shop_item_and_quantities() throws Exception {
        try (PosPlatform pos = open()) {
            openedShops(pos, load());
            String from = pos.world().shops().get(0);
            String to = pos.world().shops().get(1);
            String item = pos.world().items().get(0);
            long onHand = stockOf(pos, from).onHand(item);

            ExecutionException refused = assertThrows(ExecutionException.class, () -> pos.operations()
                    .transfer("t-too-many", from, to, item, onHand + 1).get(30, TimeUnit.SECONDS));

            InsufficientStockException cause = assertInstanceOf(InsufficientStockException.class, refused.getCause());
            assertEquals("shop " + from + " cannot transfer " + (onHand + 1) + " of item " + item + " to shop " + to
                    + ": it has " + onHand + " on hand", cause.getMessage());
            assertEquals(onHand, stockOf(pos, from).onHand(item));
            assertVerified(pos.verify(CATCH_UP));
            assertEquals(0, pos.ledger().total(Movement.TRANSFERRED_OUT));
        }
    }

    @Test
    void a_sale_beyond_the_stock_on_hand_is_accepted_and_raises_a_shortage() throws Exception {
        try (PosPlatform pos = open()) {
            openedShops(pos, load());
            String shop = pos.world().shops().get(2);
            String item = pos.world().items().get(3);
            long onHand = stockOf(pos, shop).onHand(item);

            pos.operations().recordSale(new SaleRecorded("r-big", shop, shop + "-t1",
                    List.of(new SaleLine(item, onHand + 3, pos.world().priceCents(3))), Instant.now()))
                    .get(30, TimeUnit.SECONDS);

            assertVerified(pos.verify(CATCH_UP));
            assertEquals(-3, stockOf(pos, shop).onHand(item));
            List<StockAlert> alerts = pos.readModels().alerts(Optional.of(shop), 100);
            StockAlert shortage = alerts.stream().filter(a -> a.itemId().equals(item)).findFirst().orElseThrow(
                    () -> new AssertionError("no alert for " + shop + "/" + item + " in " + alerts));
            assertEquals(StockAlert.Level.SHORTAGE, shortage.level());
            assertEquals(-3, shortage.onHand());
            assertEquals(1, shortage.shortagesRaised());
            assertEquals("r-big", shortage.lastShortReceipt());
        }
    }

    @Test
    void a_sale_command_delivered_twice_from_the_same_source_position_deducts_the_stock_once() throws Exception {
        try (PosPlatform pos = open()) {
            openedShops(pos, load());
            String shop = pos.world().shops().get(1);
            String item = pos.world().items().get(0);
            long onHand = stockOf(pos, shop).onHand(item);
            // A second processor on the sales stream sends the same command again, as a reset processor would.
            pos.tributary().start(Processor.named(names.prefix() + "-duplicates").streams(names.salesStream())
                    .handler((event, emitter) -> {
                        if (event.payload() instanceof SaleRecorded sale && sale.receiptId().startsWith("dup-")) {
                            emitter.send(new DeductSale(sale.shopId(), sale.receiptId(), sale.tillId(),
                                    List.of(new StockLine(item, 2)), SourcePosition.of(event), sale.recordedAt()));
                        }
                    }).build());

            pos.operations().recordSale(new SaleRecorded("dup-1", shop, shop + "-t1",
                    List.of(new SaleLine(item, 2, pos.world().priceCents(0))), Instant.now())).get(30, TimeUnit.SECONDS);

            assertVerified(pos.verify(CATCH_UP));
            assertEquals(onHand - 2, stockOf(pos, shop).onHand(item));
        }
    }

    @Test
    void a_count_taken_against_stock_that_moved_since_is_refused_and_books_nothing() throws Exception {
        try (PosPlatform pos = open()) {
            openedShops(pos, load());
            String shop = pos.world().shops().get(0);
            String item = pos.world().items().get(1);
            long onHand = stockOf(pos, shop).onHand(item);

            ExecutionException refused = assertThrows(ExecutionException.class, () -> pos.operations()
                    .count("c-stale", shop, item, onHand + 4, 1).get(30, TimeUnit.SECONDS));
            long adjustment = pos.operations().count("c-fresh", shop, item, onHand, onHand + 2).get(30, TimeUnit.SECONDS);

            StockMovedDuringCountException cause = assertInstanceOf(StockMovedDuringCountException.class, refused.getCause());
            assertEquals("count c-stale of item " + item + " in shop " + shop + " was taken against " + (onHand + 4)
                    + " on hand, but the shop now has " + onHand + ": stock moved during the count, count again",
                    cause.getMessage());
            assertEquals(2, adjustment);
            assertEquals(2, pos.ledger().total(Movement.ADJUSTED));
            assertVerified(pos.verify(CATCH_UP));
        }
    }

    private static StockReport stockOf(PosPlatform pos, String shop) throws Exception {
        return pos.tributary().<StockReport>send(new ReportStock(shop)).get(30, TimeUnit.SECONDS);
    }

    private static Map<ShopItemKey, Long> onHand(PosPlatform pos) {
        return pos.readModels().allStock().values().stream()
                .collect(Collectors.toMap(StockOnHand::key, StockOnHand::onHand));
    }
}
