package dev.tributary.api;

import jakarta.persistence.EntityManager;

/**
 * Handles one event of an exactly-once projection inside the batch's read-model transaction. Everything done
 * through {@code entityManager} commits together with the group's offsets, or not at all.
 *
 * <p>Called on the projection's worker thread, in offset order within a partition. The same event may be handed
 * over again after a rollback (a failing batch, a fenced member), but its effects commit once.
 */
@FunctionalInterface
public interface ExactlyOnceHandler {

    void handle(Event event, EntityManager entityManager) throws Exception;
}
