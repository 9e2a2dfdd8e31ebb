package dev.tributary.sample.pos.inventory;

import java.util.Objects;

/**
 * A quantity of one item moving in or out of a shop.
 *
 * @param itemId   the item
 * @param quantity how many, at least 1
 */
public record StockLine(String itemId, long quantity) {

    public StockLine {
        Objects.requireNonNull(itemId, "itemId");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity of item " + itemId + " must be >= 1, got " + quantity);
        }
    }
}
