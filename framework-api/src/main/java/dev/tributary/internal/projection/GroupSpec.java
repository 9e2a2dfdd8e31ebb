package dev.tributary.internal.projection;

import dev.tributary.api.Guarantee;

import java.util.Set;

/** What the runtime needs of every built projection or processor. */
interface GroupSpec {

    String group();

    Set<String> streams();

    Guarantee guarantee();

    EventDispatcher dispatcher();

    BatchSettings settings();

    /** A short name for logs and thread names: "exactly-once projection", "processor", ... */
    String kind();

    /** Whether {@code other} may run as another member of this one's group: same kind, streams and guarantee. */
    default boolean compatibleWith(GroupSpec other) {
        return getClass() == other.getClass() && group().equals(other.group()) && streams().equals(other.streams())
                && guarantee() == other.guarantee();
    }
}
