package dev.tributary.conformance.command;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Detects two command handlers running for one aggregate at the same time. Keyed by aggregate id, which every test
 * makes unique, so tests never see each other's counts.
 */
public final class ConcurrencyProbe {

    private static final Map<String, AtomicInteger> INSIDE = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> OVERLAPS = new ConcurrentHashMap<>();

    private ConcurrencyProbe() {
    }

    static void enter(String aggregateId) {
        if (INSIDE.computeIfAbsent(aggregateId, id -> new AtomicInteger()).incrementAndGet() > 1) {
            OVERLAPS.computeIfAbsent(aggregateId, id -> new AtomicInteger()).incrementAndGet();
        }
        // Widen the window in which a second thread would be caught inside.
        for (int i = 0; i < 3; i++) {
            Thread.yield();
        }
    }

    static void exit(String aggregateId) {
        INSIDE.get(aggregateId).decrementAndGet();
    }

    /** How many times a handler for the aggregate was entered while another one was running. */
    public static int overlaps(String aggregateId) {
        AtomicInteger overlaps = OVERLAPS.get(aggregateId);
        return overlaps == null ? 0 : overlaps.get();
    }
}
