package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.time.LocalDate;

/** Read model: what one shop sold on one day (UTC), from the tills' facts. */
@Entity
@Table(name = "pos_daily_sales")
public class DailySales {

    @EmbeddedId
    private ShopDayKey id;

    @Column(name = "receipts", nullable = false)
    private long receipts;

    @Column(name = "voids", nullable = false)
    private long voids;

    @Column(name = "returns", nullable = false)
    private long returns;

    @Column(name = "units_sold", nullable = false)
    private long unitsSold;

    @Column(name = "units_voided", nullable = false)
    private long unitsVoided;

    @Column(name = "units_returned", nullable = false)
    private long unitsReturned;

    @Column(name = "sold_cents", nullable = false)
    private long soldCents;

    @Column(name = "voided_cents", nullable = false)
    private long voidedCents;

    @Column(name = "refunded_cents", nullable = false)
    private long refundedCents;

    protected DailySales() {
    }

    DailySales(ShopDayKey id) {
        this.id = id;
    }

    void sale(long units, long cents) {
        receipts++;
        unitsSold += units;
        soldCents += cents;
    }

    void voided(long units, long cents) {
        voids++;
        unitsVoided += units;
        voidedCents += cents;
    }

    void returned(long units, long cents) {
        returns++;
        unitsReturned += units;
        refundedCents += cents;
    }

    public String shopId() {
        return id.shopId();
    }

    public LocalDate day() {
        return id.day();
    }

    public long receipts() {
        return receipts;
    }

    public long voids() {
        return voids;
    }

    public long returns() {
        return returns;
    }

    public long unitsSold() {
        return unitsSold;
    }

    public long unitsVoided() {
        return unitsVoided;
    }

    public long unitsReturned() {
        return unitsReturned;
    }

    public long soldCents() {
        return soldCents;
    }

    public long voidedCents() {
        return voidedCents;
    }

    public long refundedCents() {
        return refundedCents;
    }

    /** Takings after voids and refunds. */
    public long netCents() {
        return soldCents - voidedCents - refundedCents;
    }
}
