package dev.tributary.sample.pos.verify;

import dev.tributary.sample.pos.inventory.StockReport;
import dev.tributary.sample.pos.load.Ledger;
import dev.tributary.sample.pos.load.Movement;
import dev.tributary.sample.pos.load.World;
import dev.tributary.sample.pos.readmodel.ReadModels;
import dev.tributary.sample.pos.readmodel.ShopItemKey;
import dev.tributary.sample.pos.readmodel.StockAlert;
import dev.tributary.sample.pos.readmodel.StockOnHand;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks, for every shop and item, that the stock read model equals the ledger's opening + received − sold + voided
 * + returned + transferred in − transferred out + adjusted, exactly, and equals the aggregate's own figure; that
 * the daily sales add up to the ledger's units per shop; and that the alert list matches the stock read model.
 * Call it only once the platform has caught up.
 */
public final class Verifier {

    private static final int EXAMPLES = 20;

    private Verifier() {
    }

    public static VerificationReport verify(World world, Ledger ledger, ReadModels readModels,
                                            Map<String, StockReport> aggregates) {
        List<String> examples = new ArrayList<>();
        Map<ShopItemKey, StockOnHand> stock = readModels.allStock();

        Set<ShopItemKey> keys = new TreeSet<>(ledger.keys());
        keys.addAll(stock.keySet());
        aggregates.values().forEach(report -> report.onHand().keySet()
                .forEach(item -> keys.add(new ShopItemKey(report.shopId(), item))));
        long stockMismatches = 0;
        for (String shop : world.shops()) {
            if (!aggregates.containsKey(shop)) {
                stockMismatches++;
                example(examples, "shop " + shop + " did not report its stock");
            }
        }
        for (ShopItemKey key : keys) {
            long expected = ledger.expected(key);
            StockOnHand row = stock.get(key);
            StockReport report = aggregates.get(key.shopId());
            Long aggregate = report == null ? null : report.onHand().get(key.itemId());
            if (row == null || aggregate == null || row.onHand() != expected || aggregate != expected) {
                stockMismatches++;
                example(examples, key + ": ledger " + expected + " (" + breakdown(ledger, key) + "), read model "
                        + (row == null ? "missing" : row.onHand()) + ", aggregate "
                        + (aggregate == null ? "missing" : aggregate));
            }
        }

        Map<String, long[]> soldByLedger = ledger.unitsByShop();
        Map<String, long[]> soldByView = readModels.unitsByShop();
        Set<String> shops = new TreeSet<>(soldByLedger.keySet());
        shops.addAll(soldByView.keySet());
        long salesMismatches = 0;
        for (String shop : shops) {
            long[] booked = soldByLedger.getOrDefault(shop, new long[3]);
            long[] viewed = soldByView.getOrDefault(shop, new long[3]);
            if (!Arrays.equals(booked, viewed)) {
                salesMismatches++;
                example(examples, "shop " + shop + " units sold/voided/returned: ledger " + Arrays.toString(booked)
                        + ", daily sales " + Arrays.toString(viewed));
            }
        }

        Map<ShopItemKey, StockAlert> alerts = readModels.allAlerts();
        long alertMismatches = 0;
        long low = 0;
        long shortages = 0;
        for (StockOnHand row : stock.values()) {
            StockAlert alert = alerts.get(row.key());
            boolean listed = row.onHand() <= row.reorderLevel();
            StockAlert.Level level = row.onHand() < 0 ? StockAlert.Level.SHORTAGE : StockAlert.Level.LOW;
            boolean wrong = alert != null && (alert.onHand() != row.onHand() || alert.level() != level);
            if (listed != (alert != null) || wrong) {
                alertMismatches++;
                example(examples, row.key() + ": " + row.onHand() + " on hand, reorder level " + row.reorderLevel()
                        + ", but the alert list shows " + (alert == null ? "nothing" : alert.level() + " with "
                        + alert.onHand() + " on hand"));
            }
            if (alert != null) {
                if (alert.level() == StockAlert.Level.SHORTAGE) {
                    shortages++;
                } else {
                    low++;
                }
            }
        }
        for (ShopItemKey key : alerts.keySet()) {
            if (!stock.containsKey(key)) {
                alertMismatches++;
                example(examples, key + " is on the alert list but has no stock row");
            }
        }

        long onHand = keys.stream().mapToLong(ledger::expected).sum();
        VerificationReport.Totals totals = new VerificationReport.Totals(ledger.total(Movement.OPENING),
                ledger.total(Movement.RECEIVED), ledger.total(Movement.SOLD), ledger.total(Movement.VOIDED),
                ledger.total(Movement.RETURNED), ledger.total(Movement.TRANSFERRED_IN),
                ledger.total(Movement.TRANSFERRED_OUT), ledger.total(Movement.ADJUSTED), onHand);
        return new VerificationReport(keys.size(), stockMismatches, shops.size(), salesMismatches, alertMismatches,
                low, shortages, totals, examples);
    }

    private static String breakdown(Ledger ledger, ShopItemKey key) {
        return "opening " + ledger.units(key, Movement.OPENING) + " + received " + ledger.units(key, Movement.RECEIVED)
                + " − sold " + ledger.units(key, Movement.SOLD) + " + voided " + ledger.units(key, Movement.VOIDED)
                + " + returned " + ledger.units(key, Movement.RETURNED)
                + " + in " + ledger.units(key, Movement.TRANSFERRED_IN)
                + " − out " + ledger.units(key, Movement.TRANSFERRED_OUT)
                + " + adjusted " + ledger.units(key, Movement.ADJUSTED);
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < EXAMPLES) {
            examples.add(text);
        }
    }
}
