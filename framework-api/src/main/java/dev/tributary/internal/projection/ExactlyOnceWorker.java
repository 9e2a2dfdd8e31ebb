package dev.tributary.internal.projection;

import dev.tributary.api.StreamPartition;
import dev.tributary.internal.EventCodec;
import dev.tributary.internal.jpa.JpaTransactionManager;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.GroupDescription;
import dev.tributary.spi.LogEntry;
import jakarta.persistence.EntityManager;
import org.axonframework.common.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * An exactly-once projection's member: each batch is one read-model transaction holding the handlers' writes and
 * the offsets, which commit only where this member's claim in {@code tributary_offsets} still stands.
 */
final class ExactlyOnceWorker extends GroupWorker {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceWorker.class);
    /** How often a partition the log assigned but the table did not let this member claim is tried again. */
    private static final long RECLAIM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final JpaTransactionManager transactions;
    private final OffsetTable table;
    /** The generation of this member's claim, per partition it holds a claim on. */
    private final Map<StreamPartition, Integer> claims = new HashMap<>();
    private long nextReclaimNanos;

    ExactlyOnceWorker(ExactlyOnceSpec spec, EventLog log, EventCodec codec, String name,
                      JpaTransactionManager transactions, OffsetTable table) {
        super(spec, log, codec, name);
        this.transactions = transactions;
        this.table = table;
    }

    @Override
    protected void assigned(Set<StreamPartition> partitions, int generation) {
        claim(partitions, generation);
    }

    @Override
    protected void revoked(Set<StreamPartition> partitions) {
        claims.keySet().removeAll(partitions);
    }

    @Override
    protected void lost(Set<StreamPartition> partitions) {
        claims.keySet().removeAll(partitions);
    }

    @Override
    protected void beforePoll() {
        Set<StreamPartition> unclaimed = heldFor(Hold.UNCLAIMED);
        if (unclaimed.isEmpty() || System.nanoTime() - nextReclaimNanos < 0) {
            return;
        }
        unclaimed.retainAll(member.assignment());
        if (!unclaimed.isEmpty()) {
            claim(unclaimed, member.groupMetadata().generation());
        }
    }

    /** Claims partitions in the table and seeks them to their stored offsets; holds back those it could not claim. */
    private void claim(Set<StreamPartition> partitions, int generation) {
        Map<StreamPartition, OffsetTable.Claim> result;
        try {
            result = table.claim(partitions, generation, currentMemberId());
        } catch (RuntimeException e) {
            LOG.warn("{} of group '{}' could not claim {} in {}; trying again in a second", name, spec.group(),
                    new TreeSet<>(partitions), OffsetTable.TABLE, e);
            partitions.forEach(this::unclaim);
            return;
        }
        for (StreamPartition p : partitions) {
            OffsetTable.Claim claim = result.get(p);
            if (claim.won() || takeOver(p, generation, claim)) {
                claims.put(p, generation);
                long next = claim.nextOffset().orElseGet(() -> log.beginningOffset(p));
                member.seek(p, next);
                storedAt(p, next);
                release(p);
            } else {
                LOG.info("{} of group '{}': {} is claimed in {} by member '{}' of generation {}, newer than this "
                                + "member's {}; waiting for the log to take it away", name, spec.group(), p,
                        OffsetTable.TABLE, claim.owner(), claim.generation(), generation);
                unclaim(p);
            }
        }
    }

    /**
     * The table's claim is newer than this member's generation, yet the log says this member owns the partition in
     * its current generation: the log's group was recreated and its generations started again. The log decides.
     */
    private boolean takeOver(StreamPartition partition, int generation, OffsetTable.Claim claim) {
        GroupDescription group = log.describeGroup(spec.group());
        if (group.generation() != generation || !currentMemberId().equals(group.owners().get(partition))) {
            return false;
        }
        boolean taken = table.takeOver(partition, generation, currentMemberId(), claim);
        if (taken) {
            LOG.warn("{} of group '{}' took {} over from generation {} in {}: the log's group is at generation {} and "
                            + "assigned it here, so its generations started again", name, spec.group(), partition,
                    claim.generation(), OffsetTable.TABLE, generation);
        }
        return taken;
    }

    private void unclaim(StreamPartition partition) {
        claims.remove(partition);
        hold(partition, Hold.UNCLAIMED);
        nextReclaimNanos = System.nanoTime() + RECLAIM_INTERVAL_NANOS;
    }

    @Override
    protected Set<StreamPartition> handle(Map<StreamPartition, List<LogEntry>> batch) {
        Transaction tx = null;
        StreamPartition current = null;
        try {
            tx = transactions.startTransaction();
            EntityManager em = transactions.currentEntityManager();
            HandlerContext context = HandlerContext.withEntityManager(codec, em);
            for (Map.Entry<StreamPartition, List<LogEntry>> e : batch.entrySet()) {
                current = e.getKey();
                for (LogEntry entry : e.getValue()) {
                    dispatch(context, entry);
                }
                // Flushing per partition puts a failing write (a constraint) on the partition that made it.
                em.flush();
            }
            current = null;
            Map<StreamPartition, Long> next = nextOffsets(batch);
            Set<StreamPartition> fenced = table.commit(em, next, claims, currentMemberId());
            if (!fenced.isEmpty()) {
                tx.rollback();
                rewind(batch);
                LOG.info("{} of group '{}' rolled back a batch: {} were claimed by a newer member while it was in "
                        + "flight", name, spec.group(), new TreeSet<>(fenced));
                fenced.forEach(this::unclaim);
                return batch.keySet();
            }
            tx.commit();
            committed(next);
            batch.keySet().forEach(this::succeeded);
            return Set.of();
        } catch (Throwable error) {
            rethrowFatal(error);
            rollback(tx, error);
            rewind(batch);
            if (current != null) {
                failed(current, batch.get(current).get(0).offset(), error);
            } else {
                // The commit itself failed: no partition is to blame more than another.
                batch.forEach((p, entries) -> failed(p, entries.get(0).offset(), error));
            }
            return batch.keySet();
        }
    }

    @Override
    protected void advance(Map<StreamPartition, Long> offsets) {
        Transaction tx = null;
        try {
            tx = transactions.startTransaction();
            Set<StreamPartition> fenced = table.commit(transactions.currentEntityManager(), offsets, claims, currentMemberId());
            if (!fenced.isEmpty()) {
                tx.rollback();
                fenced.forEach(this::unclaim);
                return;
            }
            tx.commit();
            committed(offsets);
        } catch (RuntimeException e) {
            rollback(tx, e);
            LOG.warn("{} of group '{}' could not store offsets {}; trying again when idle", name, spec.group(), offsets, e);
        }
    }

    @Override
    protected Map<StreamPartition, Long> storedOffsets(Set<StreamPartition> partitions) {
        Map<StreamPartition, Long> offsets = new HashMap<>(table.read());
        offsets.keySet().retainAll(partitions);
        return offsets;
    }

    private static void rollback(Transaction tx, Throwable cause) {
        if (tx == null) {
            return;
        }
        try {
            tx.rollback();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
