package dev.tributary.memory;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.RebalanceListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Records the callbacks a member receives, as lines like {@code "assigned [orders-0] @2"}, and can act in them. */
final class RecordingListener implements RebalanceListener {

    final List<String> calls = new ArrayList<>();
    private Consumer<Set<StreamPartition>> onRevoked = partitions -> { };

    RecordingListener whenRevoked(Consumer<Set<StreamPartition>> action) {
        this.onRevoked = action;
        return this;
    }

    @Override
    public void onAssigned(Set<StreamPartition> partitions, int generation) {
        calls.add("assigned " + sorted(partitions) + " @" + generation);
    }

    @Override
    public void onRevoked(Set<StreamPartition> partitions) {
        calls.add("revoked " + sorted(partitions));
        onRevoked.accept(partitions);
    }

    @Override
    public void onLost(Set<StreamPartition> partitions) {
        calls.add("lost " + sorted(partitions));
    }

    private static List<StreamPartition> sorted(Set<StreamPartition> partitions) {
        return partitions.stream().sorted().toList();
    }
}
