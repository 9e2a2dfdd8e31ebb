package dev.tributary.sample.pos.load;

import java.util.Locale;

/**
 * The shape of the simulated chain, fixed when its data folder is first used.
 *
 * @param shops      shops, at least 1
 * @param tills      tills in all, spread evenly over the shops, at least one per shop
 * @param items      items in the catalogue, each stocked by every shop, at least 1
 * @param partitions partitions of the sales and inventory streams, at least 1
 * @param seed       seeds prices, opening stock and the load
 */
public record WorldSpec(int shops, int tills, int items, int partitions, long seed) {

    public static final WorldSpec DEFAULT = new WorldSpec(1_000, 10_000, 50, 8, 42);

    public WorldSpec {
        if (shops < 1 || shops > 99_999) {
            throw new IllegalArgumentException("shops must be between 1 and 99999, got " + shops);
        }
        if (tills < shops) {
            throw new IllegalArgumentException("tills must be at least one per shop (" + shops + "), got " + tills);
        }
        if (items < 1 || items > 9_999) {
            throw new IllegalArgumentException("items must be between 1 and 9999, got " + items);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d shops, %,d tills, %,d items, %d partitions, seed %d", shops, tills, items,
                partitions, seed);
    }
}
