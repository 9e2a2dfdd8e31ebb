package dev.tributary.sample.pos.sales;

import java.util.Objects;

/**
 * One line of a receipt.
 *
 * @param itemId         the item scanned
 * @param quantity       how many, at least 1
 * @param unitPriceCents the price of one, in cents, not negative
 */
public record SaleLine(String itemId, long quantity, long unitPriceCents) {

    public SaleLine {
        Objects.requireNonNull(itemId, "itemId");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity of item " + itemId + " must be >= 1, got " + quantity);
        }
        if (unitPriceCents < 0) {
            throw new IllegalArgumentException("unit price of item " + itemId + " must be >= 0 cents, got " + unitPriceCents);
        }
    }

    public long amountCents() {
        return quantity * unitPriceCents;
    }
}
