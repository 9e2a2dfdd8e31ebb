package dev.tributary.sample.pos.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The world a run asks for: each field is either given (non-null) or left to the stored world, and to
 * {@link WorldSpec#DEFAULT} when nothing is stored yet (tills default to ten per shop).
 */
public record WorldRequest(Integer shops, Integer tills, Integer items, Integer partitions, Long seed) {

    public static final WorldRequest STORED_OR_DEFAULT = new WorldRequest(null, null, null, null, null);

    public static WorldRequest exactly(WorldSpec spec) {
        return new WorldRequest(spec.shops(), spec.tills(), spec.items(), spec.partitions(), spec.seed());
    }

    /**
     * @param stored the world already in the database, if any
     * @param where  names the database, for the message
     * @throws IllegalArgumentException naming every given value that differs from the stored world
     */
    public WorldSpec resolve(Optional<WorldSpec> stored, String where) {
        if (stored.isEmpty()) {
            WorldSpec d = WorldSpec.DEFAULT;
            int shopCount = or(shops, d.shops());
            return new WorldSpec(shopCount, or(tills, shopCount * (d.tills() / d.shops())), or(items, d.items()),
                    or(partitions, d.partitions()), seed != null ? seed : d.seed());
        }
        WorldSpec s = stored.get();
        List<String> conflicts = new ArrayList<>();
        check(conflicts, "--shops", shops, s.shops());
        check(conflicts, "--tills", tills, s.tills());
        check(conflicts, "--items", items, s.items());
        check(conflicts, "--partitions", partitions, s.partitions());
        if (seed != null && seed != s.seed()) {
            conflicts.add("--seed " + seed + " (stored: " + s.seed() + ")");
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException(where + " already holds a world of " + s + "; "
                    + String.join(", ", conflicts) + " differ from it: leave them out to continue that world, "
                    + "or use another data folder or database");
        }
        return s;
    }

    private static int or(Integer given, int fallback) {
        return given != null ? given : fallback;
    }

    private static void check(List<String> conflicts, String option, Integer given, int stored) {
        if (given != null && given != stored) {
            conflicts.add(option + " " + given + " (stored: " + stored + ")");
        }
    }
}
