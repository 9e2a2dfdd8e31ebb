package dev.tributary.sample.pos.inventory;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A shop's inventory as its aggregate holds it: the answer to {@link InventoryCommands.ReportStock}.
 *
 * @param shopId the shop
 * @param onHand units on hand per item, by item id; negative where sales outran the recorded stock
 */
public record StockReport(String shopId, Map<String, Long> onHand) {

    public StockReport {
        Objects.requireNonNull(shopId, "shopId");
        onHand = new TreeMap<>(onHand);
    }

    public long onHand(String itemId) {
        return onHand.getOrDefault(itemId, 0L);
    }
}
