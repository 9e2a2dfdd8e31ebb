package dev.tributary.sample.pos.load;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The stored {@link WorldSpec} and how far the simulation got: one row. */
@Entity
@Table(name = "pos_world")
public class WorldRecord {

    static final String ID = "world";

    @Id
    @Column(name = "id", length = 16)
    private String id = ID;

    @Column(name = "shops", nullable = false)
    private int shops;
    @Column(name = "tills", nullable = false)
    private int tills;
    @Column(name = "items", nullable = false)
    private int items;
    @Column(name = "partitions", nullable = false)
    private int partitions;
    @Column(name = "seed", nullable = false)
    private long seed;
    @Column(name = "shops_opened", nullable = false)
    private boolean shopsOpened;
    @Column(name = "runs", nullable = false)
    private int runs;

    protected WorldRecord() {
    }

    WorldRecord(WorldSpec spec) {
        this.shops = spec.shops();
        this.tills = spec.tills();
        this.items = spec.items();
        this.partitions = spec.partitions();
        this.seed = spec.seed();
    }

    WorldSpec spec() {
        return new WorldSpec(shops, tills, items, partitions, seed);
    }

    boolean shopsOpened() {
        return shopsOpened;
    }

    void shopsOpened(boolean opened) {
        this.shopsOpened = opened;
    }

    int runs() {
        return runs;
    }

    void runs(int runs) {
        this.runs = runs;
    }
}
