package dev.tributary.memory;

import dev.tributary.api.StreamPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes a group's target assignment the way Kafka's cooperative sticky assignor aims to: balanced (with equal
 * subscriptions, member loads differ by at most one) and sticky (a partition stays where it was headed unless
 * balance needs it elsewhere). A pure function, so it is deterministic and testable on its own.
 */
final class StickyAssignor {

    private StickyAssignor() {
    }

    /**
     * @param subscriptions  member id to the streams it consumes, in join order (ties go to earlier members)
     * @param partitionCount stream to its partition count, for every subscribed stream
     * @param previous       member id to its previous target; members that left may appear and are ignored
     * @param owners         partition to the member id that owns it now, to break ties in its favour
     * @return member id to its target partitions, for every member in {@code subscriptions}
     */
    static Map<String, Set<StreamPartition>> assign(Map<String, Set<String>> subscriptions,
                                                    Map<String, Integer> partitionCount,
                                                    Map<String, Set<StreamPartition>> previous,
                                                    Map<StreamPartition, String> owners) {
        Map<String, TreeSet<StreamPartition>> result = new LinkedHashMap<>();
        subscriptions.keySet().forEach(member -> result.put(member, new TreeSet<>()));

        TreeSet<StreamPartition> all = new TreeSet<>();
        subscriptions.values().forEach(streams -> streams.forEach(stream -> {
            for (int p = 0; p < partitionCount.get(stream); p++) {
                all.add(new StreamPartition(stream, p));
            }
        }));

        Map<StreamPartition, String> previousOwner = new LinkedHashMap<>();
        previous.forEach((member, partitions) -> partitions.forEach(p -> previousOwner.put(p, member)));

        List<StreamPartition> unassigned = new ArrayList<>();
        for (StreamPartition p : all) {
            String keeper = previousOwner.get(p);
            if (keeper != null && eligible(subscriptions, keeper, p)) {
                result.get(keeper).add(p);
            } else {
                unassigned.add(p);
            }
        }
        for (StreamPartition p : unassigned) {
            String best = null;
            for (String member : result.keySet()) {
                if (!eligible(subscriptions, member, p)) {
                    continue;
                }
                int load = result.get(member).size();
                if (best == null || load < result.get(best).size()
                        || load == result.get(best).size() && member.equals(owners.get(p))) {
                    best = member;
                }
            }
            result.get(best).add(p);
        }
        balance(subscriptions, result, owners);

        Map<String, Set<StreamPartition>> frozen = new LinkedHashMap<>();
        result.forEach((member, partitions) -> frozen.put(member, Set.copyOf(partitions)));
        return frozen;
    }

    /**
     * Moves one partition at a time from a member to one with at least two fewer, while any such move exists.
     * Each move lowers the sum of squared loads, so this ends; with equal subscriptions it ends balanced.
     */
    private static void balance(Map<String, Set<String>> subscriptions, Map<String, TreeSet<StreamPartition>> result,
                                Map<StreamPartition, String> owners) {
        List<String> members = new ArrayList<>(result.keySet());
        Comparator<String> byLoad = Comparator.comparingInt(member -> result.get(member).size());
        boolean moved = true;
        while (moved) {
            moved = false;
            members.sort(byLoad.reversed());
            search:
            for (String from : members) {
                for (int i = members.size() - 1; i >= 0; i--) {
                    String to = members.get(i);
                    if (result.get(from).size() - result.get(to).size() < 2) {
                        break;
                    }
                    StreamPartition p = partitionToMove(subscriptions, result.get(from), from, to, owners);
                    if (p != null) {
                        result.get(from).remove(p);
                        result.get(to).add(p);
                        moved = true;
                        break search;
                    }
                }
            }
        }
    }

    /** Prefers a partition {@code to} owns already, then one {@code from} does not own yet: both avoid a hand-over. */
    private static StreamPartition partitionToMove(Map<String, Set<String>> subscriptions,
                                                   TreeSet<StreamPartition> candidates, String from, String to,
                                                   Map<StreamPartition, String> owners) {
        StreamPartition notYetOwned = null;
        StreamPartition any = null;
        for (StreamPartition p : candidates.descendingSet()) {
            if (!eligible(subscriptions, to, p)) {
                continue;
            }
            String owner = owners.get(p);
            if (to.equals(owner)) {
                return p;
            }
            if (notYetOwned == null && !from.equals(owner)) {
                notYetOwned = p;
            }
            if (any == null) {
                any = p;
            }
        }
        return notYetOwned != null ? notYetOwned : any;
    }

    /** Whether {@code member} is still in the group and consumes {@code p}'s stream. */
    private static boolean eligible(Map<String, Set<String>> subscriptions, String member, StreamPartition p) {
        Set<String> streams = subscriptions.get(member);
        return streams != null && streams.contains(p.stream());
    }
}
