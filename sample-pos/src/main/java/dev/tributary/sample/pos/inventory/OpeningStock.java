package dev.tributary.sample.pos.inventory;

import java.util.Objects;

/**
 * An item a shop stocks from the day it opens.
 *
 * @param itemId       the item
 * @param quantity     units on hand at opening, not negative
 * @param reorderLevel at or below this many units on hand the item is listed as low on stock, not negative
 */
public record OpeningStock(String itemId, long quantity, long reorderLevel) {

    public OpeningStock {
        Objects.requireNonNull(itemId, "itemId");
        if (quantity < 0) {
            throw new IllegalArgumentException("opening quantity of item " + itemId + " must be >= 0, got " + quantity);
        }
        if (reorderLevel < 0) {
            throw new IllegalArgumentException("reorder level of item " + itemId + " must be >= 0, got " + reorderLevel);
        }
    }
}
