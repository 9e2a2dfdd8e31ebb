package dev.tributary.api;

/** What a consumer group promises about handling each event of its streams. */
public enum Guarantee {
    /** Offsets are saved before handling: a crash may skip events, never repeats one. */
    AT_MOST_ONCE,
    /** Offsets are saved after handling: a crash may repeat events, never skips one. */
    AT_LEAST_ONCE,
    /**
     * Offsets commit atomically with the handler's effects (a read-model transaction, or for processors a log
     * transaction): each event's effects are applied once.
     */
    EXACTLY_ONCE
}
