package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * Read model: the last stock check each shop's inventory confirmed. Once a shop shows a check here, this read model
 * includes every fact its tills recorded before requesting it.
 */
@Entity
@Table(name = "pos_stock_check")
public class StockCheck {

    @Id
    @Column(name = "shop_id", length = 64)
    private String shopId;

    @Column(name = "check_id", length = 128, nullable = false)
    private String checkId;

    @Column(name = "confirmed_at", nullable = false)
    private Instant confirmedAt;

    protected StockCheck() {
    }

    StockCheck(String shopId, String checkId, Instant at) {
        this.shopId = shopId;
        confirmed(checkId, at);
    }

    void confirmed(String checkId, Instant at) {
        this.checkId = checkId;
        this.confirmedAt = at;
    }

    public String shopId() {
        return shopId;
    }

    public String checkId() {
        return checkId;
    }

    public Instant confirmedAt() {
        return confirmedAt;
    }
}
