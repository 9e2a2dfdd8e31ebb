package dev.tributary.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Where a replay starts: the beginning of every partition, given offsets, or the first event at a time. */
public sealed interface ResetPosition {

    static ResetPosition beginning() {
        return Beginning.INSTANCE;
    }

    /** Partitions not named keep their current offsets. */
    static ResetPosition offsets(Map<StreamPartition, Long> offsets) {
        return new Offsets(offsets);
    }

    /** Each partition from its first event at or after {@code timestamp}, or its end if there is none. */
    static ResetPosition timestamp(Instant timestamp) {
        return new AtTimestamp(timestamp);
    }

    enum Beginning implements ResetPosition {
        INSTANCE
    }

    record Offsets(Map<StreamPartition, Long> offsets) implements ResetPosition {
        public Offsets {
            offsets = Map.copyOf(offsets);
            offsets.forEach((p, o) -> {
                if (o < 0) {
                    throw new IllegalArgumentException("offset for " + p + " must be >= 0, got " + o);
                }
            });
        }
    }

    record AtTimestamp(Instant timestamp) implements ResetPosition {
        public AtTimestamp {
            Objects.requireNonNull(timestamp, "timestamp");
        }
    }
}
