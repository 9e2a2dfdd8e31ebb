package dev.tributary.sample.pos.load;

import dev.tributary.sample.pos.readmodel.ShopItemKey;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The load generator's own account of every unit it moved, kept apart from the system under test: a movement is
 * booked only once the platform has accepted it (a published sale appended, a command's future completed). The
 * stock it expects for a shop and item is opening + received − sold + voided + returned + transferred in −
 * transferred out + adjusted. It is stored in the database with the world, so a restarted run continues it.
 *
 * <p>Thread-safe for booking; {@link #save} while movements are still being booked stores a consistent figure
 * per line but not across lines.
 */
public final class Ledger {

    private static final Movement[] MOVEMENTS = Movement.values();

    private final EntityManagerFactory emf;
    private final WorldSpec spec;
    private final ConcurrentHashMap<ShopItemKey, AtomicLongArray> lines = new ConcurrentHashMap<>();
    private volatile boolean shopsOpened;
    private volatile int runs;

    private Ledger(EntityManagerFactory emf, WorldSpec spec) {
        this.emf = emf;
        this.spec = spec;
    }

    /** The world stored in the database, if a run ever used it. */
    public static Optional<WorldSpec> storedWorld(EntityManagerFactory emf) {
        try (EntityManager em = emf.createEntityManager()) {
            WorldRecord record = em.find(WorldRecord.class, WorldRecord.ID);
            return Optional.ofNullable(record).map(WorldRecord::spec);
        }
    }

    /**
     * Loads the ledger of the stored world, or stores {@code spec} as the world with an empty ledger.
     *
     * @throws IllegalStateException if another world is stored
     */
    public static Ledger open(EntityManagerFactory emf, WorldSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Ledger ledger = new Ledger(emf, spec);
        try (EntityManager em = emf.createEntityManager()) {
            EntityTransaction tx = em.getTransaction();
            tx.begin();
            WorldRecord record = em.find(WorldRecord.class, WorldRecord.ID);
            if (record == null) {
                em.persist(new WorldRecord(spec));
            } else if (!record.spec().equals(spec)) {
                tx.rollback();
                throw new IllegalStateException("the database holds a world of " + record.spec()
                        + ", not the requested " + spec);
            } else {
                ledger.shopsOpened = record.shopsOpened();
                ledger.runs = record.runs();
                em.createQuery("select l from LedgerLine l", LedgerLine.class).getResultList().forEach(line -> {
                    AtomicLongArray counts = new AtomicLongArray(MOVEMENTS.length);
                    for (Movement m : MOVEMENTS) {
                        counts.set(m.ordinal(), line.get(m));
                    }
                    ledger.lines.put(line.key(), counts);
                });
            }
            tx.commit();
        }
        return ledger;
    }

    public WorldSpec spec() {
        return spec;
    }

    public void book(String shopId, String itemId, Movement movement, long units) {
        lines.computeIfAbsent(new ShopItemKey(shopId, itemId), k -> new AtomicLongArray(MOVEMENTS.length))
                .addAndGet(movement.ordinal(), units);
    }

    public long units(ShopItemKey key, Movement movement) {
        AtomicLongArray counts = lines.get(key);
        return counts == null ? 0 : counts.get(movement.ordinal());
    }

    /** The stock the ledger expects on hand. */
    public long expected(ShopItemKey key) {
        AtomicLongArray counts = lines.get(key);
        if (counts == null) {
            return 0;
        }
        long expected = 0;
        for (Movement m : MOVEMENTS) {
            expected += m.sign() * counts.get(m.ordinal());
        }
        return expected;
    }

    public Set<ShopItemKey> keys() {
        return Set.copyOf(lines.keySet());
    }

    public long total(Movement movement) {
        return lines.values().stream().mapToLong(counts -> counts.get(movement.ordinal())).sum();
    }

    /** Units sold, voided and returned per shop: {@code [sold, voided, returned]}. */
    public Map<String, long[]> unitsByShop() {
        Map<String, long[]> units = new HashMap<>();
        lines.forEach((key, counts) -> {
            long[] shop = units.computeIfAbsent(key.shopId(), s -> new long[3]);
            shop[0] += counts.get(Movement.SOLD.ordinal());
            shop[1] += counts.get(Movement.VOIDED.ordinal());
            shop[2] += counts.get(Movement.RETURNED.ordinal());
        });
        return units;
    }

    public boolean shopsOpened() {
        return shopsOpened;
    }

    void shopsOpened(boolean opened) {
        this.shopsOpened = opened;
    }

    /** Runs started so far, this one included once {@link #startRun} was called. */
    public int runs() {
        return runs;
    }

    /** Counts a new run and returns its number, which makes its receipt ids unique. */
    int startRun() {
        return ++runs;
    }

    /** Stores the world's progress and every line, in one transaction. */
    public synchronized void save() {
        try (EntityManager em = emf.createEntityManager()) {
            EntityTransaction tx = em.getTransaction();
            tx.begin();
            try {
                WorldRecord record = em.find(WorldRecord.class, WorldRecord.ID);
                record.shopsOpened(shopsOpened);
                record.runs(runs);
                Map<ShopItemKey, LedgerLine> stored = new HashMap<>();
                em.createQuery("select l from LedgerLine l", LedgerLine.class).getResultList()
                        .forEach(line -> stored.put(line.key(), line));
                lines.forEach((key, counts) -> {
                    LedgerLine line = stored.get(key);
                    if (line == null) {
                        line = new LedgerLine(key);
                        em.persist(line);
                    }
                    for (Movement m : MOVEMENTS) {
                        line.set(m, counts.get(m.ordinal()));
                    }
                });
                tx.commit();
            } finally {
                if (tx.isActive()) {
                    tx.rollback();
                }
            }
        }
    }
}
