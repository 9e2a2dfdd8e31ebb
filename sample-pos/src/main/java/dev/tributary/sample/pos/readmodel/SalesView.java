package dev.tributary.sample.pos.readmodel;

import dev.tributary.sample.pos.sales.SalesEvents.ItemsReturned;
import dev.tributary.sample.pos.sales.SalesEvents.SaleRecorded;
import dev.tributary.sample.pos.sales.SalesEvents.SaleVoided;
import jakarta.persistence.EntityManager;
import org.axonframework.eventhandling.EventHandler;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/** The exactly-once projection of the sales stream into {@link DailySales}, by the till's clock in UTC. */
public final class SalesView {

    private final String stream;

    /** @param stream the sales stream, whose events this view tallies */
    public SalesView(String stream) {
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** Empties the view for a replay. */
    public void reset(EntityManager em) {
        em.createQuery("delete from DailySales").executeUpdate();
        em.createQuery("delete from EventTally t where t.stream = :stream").setParameter("stream", stream)
                .executeUpdate();
    }

    @EventHandler
    void on(SaleRecorded sale, EntityManager em) {
        tally(em);
        day(em, sale.shopId(), sale.recordedAt()).sale(sale.units(), sale.amountCents());
    }

    @EventHandler
    void on(SaleVoided voided, EntityManager em) {
        tally(em);
        day(em, voided.shopId(), voided.voidedAt()).voided(voided.units(), voided.amountCents());
    }

    @EventHandler
    void on(ItemsReturned returned, EntityManager em) {
        tally(em);
        day(em, returned.shopId(), returned.returnedAt()).returned(returned.units(), returned.amountCents());
    }

    private static DailySales day(EntityManager em, String shopId, Instant at) {
        ShopDayKey key = new ShopDayKey(shopId, LocalDate.ofInstant(at, ZoneOffset.UTC));
        DailySales row = em.find(DailySales.class, key);
        if (row == null) {
            row = new DailySales(key);
            em.persist(row);
        }
        return row;
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
