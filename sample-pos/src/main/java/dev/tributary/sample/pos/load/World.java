package dev.tributary.sample.pos.load;

import dev.tributary.sample.pos.inventory.OpeningStock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The simulated chain derived from a {@link WorldSpec}: shop, till and item ids, prices and opening stock. The
 * same spec always yields the same world, so only the spec needs to be stored.
 */
public final class World {

    /** Every item is listed as low on stock at or below this many units. */
    public static final long REORDER_LEVEL = 10;

    private final WorldSpec spec;
    private final List<String> shops;
    private final List<String> items;
    private final long[] prices;
    private final List<String> tills;
    private final List<String> tillShops;

    public World(WorldSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        List<String> shopIds = new ArrayList<>(spec.shops());
        for (int s = 1; s <= spec.shops(); s++) {
            shopIds.add(String.format("s%05d", s));
        }
        this.shops = Collections.unmodifiableList(shopIds);
        List<String> itemIds = new ArrayList<>(spec.items());
        this.prices = new long[spec.items()];
        SplittableRandom priceRandom = new SplittableRandom(spec.seed());
        for (int i = 1; i <= spec.items(); i++) {
            itemIds.add(String.format("i%04d", i));
            prices[i - 1] = 49 + priceRandom.nextInt(4_951);
        }
        this.items = Collections.unmodifiableList(itemIds);
        List<String> tillIds = new ArrayList<>(spec.tills());
        List<String> tillShopIds = new ArrayList<>(spec.tills());
        for (int s = 0; s < spec.shops(); s++) {
            int tillsHere = spec.tills() / spec.shops() + (s < spec.tills() % spec.shops() ? 1 : 0);
            for (int t = 1; t <= tillsHere; t++) {
                tillIds.add(shops.get(s) + "-t" + t);
                tillShopIds.add(shops.get(s));
            }
        }
        this.tills = Collections.unmodifiableList(tillIds);
        this.tillShops = Collections.unmodifiableList(tillShopIds);
    }

    public WorldSpec spec() {
        return spec;
    }

    public List<String> shops() {
        return shops;
    }

    public List<String> items() {
        return items;
    }

    /** Till ids, {@code <shop>-t<n>}. */
    public List<String> tills() {
        return tills;
    }

    public String shopOfTill(int tillIndex) {
        return tillShops.get(tillIndex);
    }

    public long priceCents(int itemIndex) {
        return prices[itemIndex];
    }

    /** A shop's opening stock: 20 to 120 units of every item. */
    public List<OpeningStock> openingStock(int shopIndex) {
        SplittableRandom random = new SplittableRandom(spec.seed() * 1_000_003L + shopIndex);
        List<OpeningStock> stock = new ArrayList<>(items.size());
        for (String item : items) {
            stock.add(new OpeningStock(item, 20 + random.nextInt(101), REORDER_LEVEL));
        }
        return stock;
    }
}
