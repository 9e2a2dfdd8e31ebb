package dev.tributary.memory;

import dev.tributary.api.StreamPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StickyAssignorTest {

    private static final Map<String, Integer> COUNTS = Map.of("orders", 8, "prices", 3);

    @Test
    void equal_subscriptions_are_balanced_to_within_one_partition() {
        Map<String, Set<String>> subscriptions = subscriptions("a", "b", "c");

        Map<String, Set<StreamPartition>> target = StickyAssignor.assign(subscriptions, COUNTS, Map.of(), Map.of());

        assertCoversEveryPartitionOnce(target, 11);
        int min = target.values().stream().mapToInt(Set::size).min().orElseThrow();
        int max = target.values().stream().mapToInt(Set::size).max().orElseThrow();
        assertTrue(max - min <= 1, target.toString());
    }

    @Test
    void a_joining_member_takes_only_what_balance_needs_and_the_others_keep_the_rest() {
        Map<String, Set<StreamPartition>> before =
                StickyAssignor.assign(subscriptions("a", "b"), COUNTS, Map.of(), Map.of());

        Map<String, Set<StreamPartition>> after =
                StickyAssignor.assign(subscriptions("a", "b", "c"), COUNTS, before, Map.of());

        int moved = 0;
        for (String member : Set.of("a", "b")) {
            Set<StreamPartition> kept = new HashSet<>(before.get(member));
            kept.retainAll(after.get(member));
            moved += before.get(member).size() - kept.size();
            assertEquals(after.get(member), kept, "a member that stays gains nothing when another joins");
        }
        assertEquals(after.get("c").size(), moved);
        assertEquals(3, after.get("c").size());
    }

    @Test
    void a_leaving_members_partitions_are_shared_and_nothing_else_moves() {
        Map<String, Set<StreamPartition>> before =
                StickyAssignor.assign(subscriptions("a", "b", "c"), COUNTS, Map.of(), Map.of());

        Map<String, Set<StreamPartition>> after = StickyAssignor.assign(subscriptions("a", "c"), COUNTS, before, Map.of());

        assertTrue(after.get("a").containsAll(before.get("a")));
        assertTrue(after.get("c").containsAll(before.get("c")));
        assertCoversEveryPartitionOnce(after, 11);
        assertTrue(Math.abs(after.get("a").size() - after.get("c").size()) <= 1, after.toString());
    }

    @Test
    void a_member_only_gets_partitions_of_the_streams_it_consumes() {
        Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
        subscriptions.put("orders-only", Set.of("orders"));
        subscriptions.put("both", Set.of("orders", "prices"));

        Map<String, Set<StreamPartition>> target = StickyAssignor.assign(subscriptions, COUNTS, Map.of(), Map.of());

        assertCoversEveryPartitionOnce(target, 11);
        assertTrue(target.get("orders-only").stream().allMatch(p -> p.stream().equals("orders")), target.toString());
        assertTrue(Math.abs(target.get("orders-only").size() - target.get("both").size()) <= 1, target.toString());
    }

    @Test
    void a_tie_goes_to_the_member_that_still_owns_the_partition() {
        StreamPartition p = StreamPartition.of("prices", 0);
        Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
        subscriptions.put("a", Set.of("prices"));
        subscriptions.put("b", Set.of("prices"));

        Map<String, Set<StreamPartition>> target =
                StickyAssignor.assign(subscriptions, Map.of("prices", 1), Map.of(), Map.of(p, "b"));

        assertEquals(Set.of(p), target.get("b"));
    }

    @Test
    void any_sequence_of_joins_and_leaves_stays_balanced_and_moves_no_more_than_balance_needs() {
        Random random = new Random(42);
        Map<String, Set<StreamPartition>> target = Map.of();
        List<String> members = new ArrayList<>();
        int next = 0;
        for (int step = 0; step < 500; step++) {
            if (members.size() < 2 || members.size() < 12 && random.nextBoolean()) {
                members.add("m" + next++);
            } else {
                members.remove(random.nextInt(members.size()));
            }
            Map<String, Set<StreamPartition>> after =
                    StickyAssignor.assign(subscriptions(members.toArray(String[]::new)), COUNTS, target, Map.of());

            assertCoversEveryPartitionOnce(after, 11);
            int min = after.values().stream().mapToInt(Set::size).min().orElseThrow();
            int max = after.values().stream().mapToInt(Set::size).max().orElseThrow();
            assertTrue(max - min <= 1, "step " + step + ": " + after);
            for (String member : members) {
                Set<StreamPartition> before = target.getOrDefault(member, Set.of());
                Set<StreamPartition> kept = new HashSet<>(before);
                kept.retainAll(after.get(member));
                // A member only gives up partitions beyond its new fair share, never trades one for another.
                assertTrue(kept.size() == before.size() || kept.size() >= min,
                        "step " + step + ": " + member + " kept " + kept + " of " + before + " in " + after);
                if (kept.size() < before.size()) {
                    assertEquals(kept, after.get(member), "step " + step + ": " + member + " gave up and gained");
                }
            }
            target = after;
        }
    }

    private static Map<String, Set<String>> subscriptions(String... members) {
        Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
        for (String member : members) {
            subscriptions.put(member, Set.of("orders", "prices"));
        }
        return subscriptions;
    }

    private static void assertCoversEveryPartitionOnce(Map<String, Set<StreamPartition>> target, int partitions) {
        Set<StreamPartition> seen = new HashSet<>();
        target.values().forEach(ps -> ps.forEach(p -> assertTrue(seen.add(p), p + " is assigned twice: " + target)));
        assertEquals(partitions, seen.size());
    }
}
