package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.time.Instant;

/** Read model: units on hand per shop and item, as the inventory events add up. */
@Entity
@Table(name = "pos_stock_on_hand")
public class StockOnHand {

    @EmbeddedId
    private ShopItemKey id;

    @Column(name = "on_hand", nullable = false)
    private long onHand;

    @Column(name = "reorder_level", nullable = false)
    private long reorderLevel;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected StockOnHand() {
    }

    StockOnHand(ShopItemKey id, long reorderLevel, Instant at) {
        this.id = id;
        this.reorderLevel = reorderLevel;
        this.updatedAt = at;
    }

    void add(long units, Instant at) {
        onHand += units;
        updatedAt = at;
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

    public long onHand() {
        return onHand;
    }

    public long reorderLevel() {
        return reorderLevel;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
