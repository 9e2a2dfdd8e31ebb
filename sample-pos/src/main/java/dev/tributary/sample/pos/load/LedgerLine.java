package dev.tributary.sample.pos.load;

import dev.tributary.sample.pos.readmodel.ShopItemKey;
import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The stored form of one shop and item in the {@link Ledger}. */
@Entity
@Table(name = "pos_ledger")
public class LedgerLine {

    @EmbeddedId
    private ShopItemKey id;

    @Column(name = "opening", nullable = false)
    private long opening;
    @Column(name = "received", nullable = false)
    private long received;
    @Column(name = "sold", nullable = false)
    private long sold;
    @Column(name = "voided", nullable = false)
    private long voided;
    @Column(name = "returned", nullable = false)
    private long returned;
    @Column(name = "transferred_in", nullable = false)
    private long transferredIn;
    @Column(name = "transferred_out", nullable = false)
    private long transferredOut;
    @Column(name = "adjusted", nullable = false)
    private long adjusted;

    protected LedgerLine() {
    }

    LedgerLine(ShopItemKey id) {
        this.id = id;
    }

    ShopItemKey key() {
        return id;
    }

    long get(Movement movement) {
        return switch (movement) {
            case OPENING -> opening;
            case RECEIVED -> received;
            case SOLD -> sold;
            case VOIDED -> voided;
            case RETURNED -> returned;
            case TRANSFERRED_IN -> transferredIn;
            case TRANSFERRED_OUT -> transferredOut;
            case ADJUSTED -> adjusted;
        };
    }

    void set(Movement movement, long units) {
        switch (movement) {
            case OPENING -> opening = units;
            case RECEIVED -> received = units;
            case SOLD -> sold = units;
            case VOIDED -> voided = units;
            case RETURNED -> returned = units;
            case TRANSFERRED_IN -> transferredIn = units;
            case TRANSFERRED_OUT -> transferredOut = units;
            case ADJUSTED -> adjusted = units;
        }
    }
}
