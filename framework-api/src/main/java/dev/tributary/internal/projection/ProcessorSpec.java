package dev.tributary.internal.projection;

import dev.tributary.api.Guarantee;
import dev.tributary.api.Processor;

import java.util.Set;

/** A built processor: its outputs and consumed offsets commit in one log transaction. */
record ProcessorSpec(String group, Set<String> streams, EventDispatcher dispatcher, BatchSettings settings)
        implements Processor, GroupSpec {

    @Override
    public Guarantee guarantee() {
        return Guarantee.EXACTLY_ONCE;
    }

    @Override
    public String kind() {
        return "processor";
    }
}
