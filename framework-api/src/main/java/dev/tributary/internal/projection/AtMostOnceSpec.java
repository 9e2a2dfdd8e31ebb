package dev.tributary.internal.projection;

import dev.tributary.api.AtMostOnceProjection;
import dev.tributary.api.Guarantee;

import java.util.Set;

/** A built at-most-once projection. */
record AtMostOnceSpec(String group, Set<String> streams, EventDispatcher dispatcher, BatchSettings settings,
                      Runnable readModelReset) implements AtMostOnceProjection, GroupSpec {

    @Override
    public Guarantee guarantee() {
        return AtMostOnceProjection.super.guarantee();
    }

    @Override
    public String kind() {
        return "at-most-once projection";
    }
}
