package dev.tributary.sample.pos.readmodel;

import dev.tributary.sample.pos.inventory.InventoryEvents.DeliveryReceived;
import dev.tributary.sample.pos.inventory.InventoryEvents.ReturnRestocked;
import dev.tributary.sample.pos.inventory.InventoryEvents.SaleDeducted;
import dev.tributary.sample.pos.inventory.InventoryEvents.SaleReversed;
import dev.tributary.sample.pos.inventory.InventoryEvents.ShopOpened;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockCheckConfirmed;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockCounted;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockShortage;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockTransferredIn;
import dev.tributary.sample.pos.inventory.InventoryEvents.StockTransferredOut;
import dev.tributary.sample.pos.inventory.StockLine;
import jakarta.persistence.EntityManager;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The exactly-once projection of the inventory stream into {@link StockOnHand}, {@link StockAlert} and
 * {@link StockCheck}. It adds up the movements itself rather than copying the aggregate's figures, so comparing the
 * two checks both.
 */
public final class InventoryView {

    private final String stream;

    /** @param stream the inventory stream, whose events this view tallies */
    public InventoryView(String stream) {
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** Empties the view for a replay. */
    public void reset(EntityManager em) {
        em.createQuery("delete from StockAlert").executeUpdate();
        em.createQuery("delete from StockOnHand").executeUpdate();
        em.createQuery("delete from StockCheck").executeUpdate();
        em.createQuery("delete from EventTally t where t.stream = :stream").setParameter("stream", stream)
                .executeUpdate();
    }

    @EventHandler
    void on(ShopOpened event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        event.items().forEach(item -> {
            StockOnHand row = new StockOnHand(new ShopItemKey(event.shopId(), item.itemId()), item.reorderLevel(), at);
            row.add(item.quantity(), at);
            em.persist(row);
            if (row.onHand() <= row.reorderLevel()) {
                em.persist(new StockAlert(row.key(), row.onHand(), row.reorderLevel(), at));
            }
        });
    }

    @EventHandler
    void on(SaleDeducted event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        move(em, event.shopId(), event.lines(), -1, at);
    }

    @EventHandler
    void on(StockShortage event, EntityManager em) {
        tally(em);
        StockAlert alert = em.find(StockAlert.class, new ShopItemKey(event.shopId(), event.itemId()));
        if (alert == null) {
            throw new IllegalStateException("shortage of item " + event.itemId() + " in shop " + event.shopId()
                    + " at receipt " + event.receiptId() + " arrived while the item is not listed as short");
        }
        alert.shortageRaised(event.receiptId());
    }

    @EventHandler
    void on(SaleReversed event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        move(em, event.shopId(), event.lines(), 1, at);
    }

    @EventHandler
    void on(ReturnRestocked event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        move(em, event.shopId(), event.lines(), 1, at);
    }

    @EventHandler
    void on(DeliveryReceived event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        move(em, event.shopId(), event.lines(), 1, at);
    }

    @EventHandler
    void on(StockTransferredOut event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        move(em, row(em, event.shopId(), event.itemId(), at), -event.quantity(), at);
    }

    @EventHandler
    void on(StockTransferredIn event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        move(em, row(em, event.shopId(), event.itemId(), at), event.quantity(), at);
    }

    @EventHandler
    void on(StockCounted event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        move(em, row(em, event.shopId(), event.itemId(), at), event.adjustment(), at);
    }

    @EventHandler
    void on(StockCheckConfirmed event, EntityManager em, @Timestamp Instant at) {
        tally(em);
        StockCheck check = em.find(StockCheck.class, event.shopId());
        if (check == null) {
            em.persist(new StockCheck(event.shopId(), event.checkId(), at));
        } else {
            check.confirmed(event.checkId(), at);
        }
    }

    private void move(EntityManager em, String shopId, List<StockLine> lines, int sign, Instant at) {
        lines.forEach(line -> move(em, row(em, shopId, line.itemId(), at), sign * line.quantity(), at));
    }

    private static StockOnHand row(EntityManager em, String shopId, String itemId, Instant at) {
        ShopItemKey key = new ShopItemKey(shopId, itemId);
        StockOnHand row = em.find(StockOnHand.class, key);
        if (row == null) {
            // An item the shop did not open with: it has no reorder level.
            row = new StockOnHand(key, 0, at);
            em.persist(row);
        }
        return row;
    }

    private static void move(EntityManager em, StockOnHand row, long units, Instant at) {
        boolean wasListed = row.onHand() <= row.reorderLevel();
        row.add(units, at);
        boolean listed = row.onHand() <= row.reorderLevel();
        if (!wasListed && !listed) {
            return; // the common case: well stocked before and after, no alert to look up
        }
        StockAlert alert = em.find(StockAlert.class, row.key());
        if (listed) {
            if (alert == null) {
                em.persist(new StockAlert(row.key(), row.onHand(), row.reorderLevel(), at));
            } else {
                alert.update(row.onHand(), row.reorderLevel());
            }
        } else if (alert != null) {
            em.remove(alert);
        }
    }

    private void tally(EntityManager em) {
        EventTally tally = em.find(EventTally.class, stream);
        if (tally == null) {
            tally = new EventTally(stream);
            em.persist(tally);
        }
        tally.increment();
    }
}
