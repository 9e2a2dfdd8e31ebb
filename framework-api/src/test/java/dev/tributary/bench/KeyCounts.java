package dev.tributary.bench;

import jakarta.persistence.EntityManager;
import org.axonframework.eventhandling.EventHandler;

/**
 * The benchmarked projection, written as the README writes one: an annotated handler that upserts a counter per key
 * through the batch's {@link EntityManager}.
 */
public final class KeyCounts {

    private final String group;
    private final CommitProbe probe;

    /**
     * @param group its group's name, which prefixes its rows
     * @param probe told about each reading, to time the commit of a chosen one; {@link CommitProbe#NONE} for none
     */
    public KeyCounts(String group, CommitProbe probe) {
        this.group = group;
        this.probe = probe;
    }

    @EventHandler
    public void on(Reading reading, EntityManager em) {
        String id = group + "/" + reading.key();
        KeyCounter counter = em.find(KeyCounter.class, id);
        if (counter == null) {
            em.persist(new KeyCounter(id));
        } else {
            counter.increment();
        }
        probe.handled(reading, em);
    }

    /** How many readings the group's rows count, committed. */
    public static long total(EntityManager em, String group) {
        return em.createQuery("select coalesce(sum(c.events), 0) from KeyCounter c where c.id like :prefix", Long.class)
                .setParameter("prefix", group + "/%")
                .getSingleResult();
    }
}
