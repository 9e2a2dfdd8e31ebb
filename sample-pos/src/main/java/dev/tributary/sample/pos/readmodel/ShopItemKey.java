package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.io.Serializable;
import java.util.Objects;

/** The key of a row per shop and item. */
@Embeddable
public class ShopItemKey implements Serializable, Comparable<ShopItemKey> {

    @Column(name = "shop_id", length = 64, nullable = false)
    private String shopId;

    @Column(name = "item_id", length = 64, nullable = false)
    private String itemId;

    protected ShopItemKey() {
    }

    public ShopItemKey(String shopId, String itemId) {
        this.shopId = Objects.requireNonNull(shopId, "shopId");
        this.itemId = Objects.requireNonNull(itemId, "itemId");
    }

    public String shopId() {
        return shopId;
    }

    public String itemId() {
        return itemId;
    }

    @Override
    public int compareTo(ShopItemKey other) {
        int byShop = shopId.compareTo(other.shopId);
        return byShop != 0 ? byShop : itemId.compareTo(other.itemId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShopItemKey other && shopId.equals(other.shopId) && itemId.equals(other.itemId);
    }

    @Override
    public int hashCode() {
        return 31 * shopId.hashCode() + itemId.hashCode();
    }

    @Override
    public String toString() {
        return shopId + "/" + itemId;
    }
}
