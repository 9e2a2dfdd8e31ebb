package dev.tributary.sample.pos.readmodel;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.TypedQuery;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.function.Function;

/** Queries over the read models. Thread-safe; each call reads in its own entity manager. */
public final class ReadModels {

    private final EntityManagerFactory emf;

    public ReadModels(EntityManagerFactory emf) {
        this.emf = Objects.requireNonNull(emf, "emf");
    }

    /** A shop's stock, item by item; one item only if {@code itemId} is given. */
    public List<StockOnHand> stock(String shopId, Optional<String> itemId) {
        return read(em -> {
            TypedQuery<StockOnHand> query = em.createQuery("select s from StockOnHand s where s.id.shopId = :shop"
                    + (itemId.isPresent() ? " and s.id.itemId = :item" : "") + " order by s.id.itemId", StockOnHand.class)
                    .setParameter("shop", shopId);
            itemId.ifPresent(item -> query.setParameter("item", item));
            return query.getResultList();
        });
    }

    public OptionalLong onHand(String shopId, String itemId) {
        return read(em -> {
            StockOnHand row = em.find(StockOnHand.class, new ShopItemKey(shopId, itemId));
            return row == null ? OptionalLong.empty() : OptionalLong.of(row.onHand());
        });
    }

    /** Every stock row, for verification. */
    public Map<ShopItemKey, StockOnHand> allStock() {
        return read(em -> {
            Map<ShopItemKey, StockOnHand> stock = new HashMap<>();
            em.createQuery("select s from StockOnHand s", StockOnHand.class).getResultList()
                    .forEach(row -> stock.put(row.key(), row));
            return stock;
        });
    }

    /** Daily sales, newest day first, optionally of one shop or one day. */
    public List<DailySales> sales(Optional<String> shopId, Optional<LocalDate> day, int limit) {
        return read(em -> {
            StringBuilder jpql = new StringBuilder("select d from DailySales d where 1 = 1");
            shopId.ifPresent(s -> jpql.append(" and d.id.shopId = :shop"));
            day.ifPresent(d -> jpql.append(" and d.id.day = :day"));
            jpql.append(" order by d.id.day desc, d.id.shopId");
            TypedQuery<DailySales> query = em.createQuery(jpql.toString(), DailySales.class).setMaxResults(limit);
            shopId.ifPresent(s -> query.setParameter("shop", s));
            day.ifPresent(d -> query.setParameter("day", d));
            return query.getResultList();
        });
    }

    /** Units sold, voided and returned per shop over all days: {@code [sold, voided, returned]}. */
    public Map<String, long[]> unitsByShop() {
        return read(em -> {
            Map<String, long[]> units = new HashMap<>();
            em.createQuery("select d.id.shopId, sum(d.unitsSold), sum(d.unitsVoided), sum(d.unitsReturned)"
                            + " from DailySales d group by d.id.shopId", Object[].class).getResultList()
                    .forEach(row -> units.put((String) row[0], new long[]{
                            ((Number) row[1]).longValue(), ((Number) row[2]).longValue(), ((Number) row[3]).longValue()}));
            return units;
        });
    }

    /** Shortages first (most negative first), then low stock, optionally of one shop. */
    public List<StockAlert> alerts(Optional<String> shopId, int limit) {
        return read(em -> {
            TypedQuery<StockAlert> query = em.createQuery("select a from StockAlert a"
                    + (shopId.isPresent() ? " where a.id.shopId = :shop" : "")
                    + " order by a.onHand, a.id.shopId, a.id.itemId", StockAlert.class).setMaxResults(limit);
            shopId.ifPresent(s -> query.setParameter("shop", s));
            return query.getResultList();
        });
    }

    /** Every alert, for verification. */
    public Map<ShopItemKey, StockAlert> allAlerts() {
        return read(em -> {
            Map<ShopItemKey, StockAlert> alerts = new HashMap<>();
            em.createQuery("select a from StockAlert a", StockAlert.class).getResultList()
                    .forEach(alert -> alerts.put(alert.key(), alert));
            return alerts;
        });
    }

    public long alertCount(StockAlert.Level level) {
        return read(em -> em.createQuery("select count(a) from StockAlert a where a.level = :level", Long.class)
                .setParameter("level", level).getSingleResult());
    }

    /** How many shops have confirmed the stock check {@code checkId}. */
    public long shopsConfirming(String checkId) {
        return read(em -> em.createQuery("select count(c) from StockCheck c where c.checkId = :check", Long.class)
                .setParameter("check", checkId).getSingleResult());
    }

    /** The shops that have confirmed the stock check {@code checkId}. */
    public Set<String> shopsConfirmed(String checkId) {
        return read(em -> Set.copyOf(em.createQuery("select c.shopId from StockCheck c where c.checkId = :check",
                String.class).setParameter("check", checkId).getResultList()));
    }

    /** Events each view applied, by stream. */
    public Map<String, Long> eventTallies() {
        return read(em -> {
            Map<String, Long> tallies = new HashMap<>();
            em.createQuery("select t from EventTally t", EventTally.class).getResultList()
                    .forEach(t -> tallies.put(t.stream(), t.events()));
            return tallies;
        });
    }

    private <T> T read(Function<EntityManager, T> query) {
        try (EntityManager em = emf.createEntityManager()) {
            return query.apply(em);
        }
    }
}
