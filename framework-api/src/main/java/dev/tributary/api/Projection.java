package dev.tributary.api;

import dev.tributary.internal.projection.ProjectionBuilders;

import java.util.Set;

/**
 * A read model fed by a consumer group: each partition of its streams goes to one member of the group, and the
 * group keeps its own offset per partition. The guarantee is in the factory's name; options that only make
 * sense for one guarantee exist only on its builder. Start one with {@link Tributary#start(Projection)}.
 */
public interface Projection {

    /** The consumer group's name, which is also the projection's name. */
    String group();

    Set<String> streams();

    Guarantee guarantee();

    /** Offsets and read-model writes commit in one JPA transaction. */
    static ExactlyOnceProjection.Builder exactlyOnce(String group) {
        return ProjectionBuilders.exactlyOnce(group);
    }

    /** Offsets are saved in the log after each batch is handled. */
    static AtLeastOnceProjection.Builder atLeastOnce(String group) {
        return ProjectionBuilders.atLeastOnce(group);
    }

    /** Offsets are saved in the log before each batch is handled. */
    static AtMostOnceProjection.Builder atMostOnce(String group) {
        return ProjectionBuilders.atMostOnce(group);
    }
}
