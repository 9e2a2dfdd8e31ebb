package dev.tributary.sample.pos.inventory;

/**
 * A stock count was refused: the stock it was counted against changed before the count arrived, so the
 * difference it claims is no longer known. Count again.
 */
public class StockMovedDuringCountException extends IllegalStateException {

    private final long expectedOnHand;
    private final long onHand;

    public StockMovedDuringCountException(String shopId, String itemId, String countId, long expectedOnHand, long onHand) {
        super("count " + countId + " of item " + itemId + " in shop " + shopId + " was taken against " + expectedOnHand
                + " on hand, but the shop now has " + onHand + ": stock moved during the count, count again");
        this.expectedOnHand = expectedOnHand;
        this.onHand = onHand;
    }

    public long expectedOnHand() {
        return expectedOnHand;
    }

    public long onHand() {
        return onHand;
    }
}
