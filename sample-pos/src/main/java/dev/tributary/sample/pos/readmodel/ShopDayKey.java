package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Objects;

/** The key of a row per shop and day. */
@Embeddable
public class ShopDayKey implements Serializable {

    @Column(name = "shop_id", length = 64, nullable = false)
    private String shopId;

    @Column(name = "sales_day", nullable = false)
    private LocalDate day;

    protected ShopDayKey() {
    }

    public ShopDayKey(String shopId, LocalDate day) {
        this.shopId = Objects.requireNonNull(shopId, "shopId");
        this.day = Objects.requireNonNull(day, "day");
    }

    public String shopId() {
        return shopId;
    }

    public LocalDate day() {
        return day;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShopDayKey other && shopId.equals(other.shopId) && day.equals(other.day);
    }

    @Override
    public int hashCode() {
        return 31 * shopId.hashCode() + day.hashCode();
    }

    @Override
    public String toString() {
        return shopId + "/" + day;
    }
}
