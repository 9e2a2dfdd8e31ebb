package dev.tributary.internal.projection;

import dev.tributary.api.ExactlyOnceProjection;
import dev.tributary.api.Guarantee;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import java.util.Set;
import java.util.function.Consumer;

/** A built exactly-once projection. */
record ExactlyOnceSpec(String group, Set<String> streams, EventDispatcher dispatcher, BatchSettings settings,
                       EntityManagerFactory entityManagerFactory, Consumer<EntityManager> readModelReset)
        implements ExactlyOnceProjection, GroupSpec {

    @Override
    public Guarantee guarantee() {
        return ExactlyOnceProjection.super.guarantee();
    }

    /** Members of one group must share the database that holds its offsets. */
    @Override
    public boolean compatibleWith(GroupSpec other) {
        return GroupSpec.super.compatibleWith(other)
                && ((ExactlyOnceSpec) other).entityManagerFactory == entityManagerFactory;
    }

    @Override
    public String kind() {
        return "exactly-once projection";
    }
}
