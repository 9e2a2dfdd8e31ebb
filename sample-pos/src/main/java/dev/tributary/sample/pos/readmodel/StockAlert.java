package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * Read model: an item that needs attention in a shop. It is listed while its stock on hand is at or below its
 * reorder level, as {@link Level#SHORTAGE} while below zero, and removed once restocked above the reorder level.
 */
@Entity
@Table(name = "pos_stock_alert")
public class StockAlert {

    public enum Level {
        /** At or below the reorder level: order more. */
        LOW,
        /** Below zero: more was sold than the shop had on record. */
        SHORTAGE
    }

    @EmbeddedId
    private ShopItemKey id;

    @Enumerated(EnumType.STRING)
    @Column(name = "level", length = 16, nullable = false)
    private Level level;

    @Column(name = "on_hand", nullable = false)
    private long onHand;

    @Column(name = "reorder_level", nullable = false)
    private long reorderLevel;

    @Column(name = "listed_since", nullable = false)
    private Instant since;

    @Column(name = "shortages_raised", nullable = false)
    private long shortagesRaised;

    @Column(name = "last_short_receipt", length = 128)
    private String lastShortReceipt;

    protected StockAlert() {
    }

    StockAlert(ShopItemKey id, long onHand, long reorderLevel, Instant since) {
        this.id = id;
        this.since = since;
        update(onHand, reorderLevel);
    }

    void update(long onHand, long reorderLevel) {
        this.onHand = onHand;
        this.reorderLevel = reorderLevel;
        this.level = onHand < 0 ? Level.SHORTAGE : Level.LOW;
    }

    void shortageRaised(String receiptId) {
        shortagesRaised++;
        lastShortReceipt = receiptId;
    }

    public String shopId() {
        return id.shopId();
    }

    public String itemId() {
        return id.itemId();
    }

    public ShopItemKey key() {
        return id;
    }

    public Level level() {
        return level;
    }

    public long onHand() {
        return onHand;
    }

    public long reorderLevel() {
        return reorderLevel;
    }

    public Instant since() {
        return since;
    }

    /** Shortage events raised while the item was listed. */
    public long shortagesRaised() {
        return shortagesRaised;
    }

    public String lastShortReceipt() {
        return lastShortReceipt;
    }
}
