package dev.tributary.sample.pos.inventory;

/** A transfer out of a shop was refused: the shop does not have the units it was asked to send. */
public class InsufficientStockException extends IllegalStateException {

    private final String shopId;
    private final String itemId;
    private final long onHand;
    private final long requested;

    public InsufficientStockException(String shopId, String toShopId, String itemId, long onHand, long requested) {
        super("shop " + shopId + " cannot transfer " + requested + " of item " + itemId + " to shop " + toShopId
                + ": it has " + onHand + " on hand");
        this.shopId = shopId;
        this.itemId = itemId;
        this.onHand = onHand;
        this.requested = requested;
    }

    public String shopId() {
        return shopId;
    }

    public String itemId() {
        return itemId;
    }

    public long onHand() {
        return onHand;
    }

    public long requested() {
        return requested;
    }
}
