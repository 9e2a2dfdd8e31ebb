package dev.tributary.internal.projection;

import dev.tributary.api.AtLeastOnceProjection;
import dev.tributary.api.Guarantee;

import java.util.Set;

/** A built at-least-once projection. */
record AtLeastOnceSpec(String group, Set<String> streams, EventDispatcher dispatcher, BatchSettings settings,
                       Runnable readModelReset) implements AtLeastOnceProjection, GroupSpec {

    @Override
    public Guarantee guarantee() {
        return AtLeastOnceProjection.super.guarantee();
    }

    @Override
    public String kind() {
        return "at-least-once projection";
    }
}
