package dev.tributary.internal.projection;

import dev.tributary.api.StreamPartition;
import dev.tributary.internal.jpa.JpaTransactionManager;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import org.axonframework.common.transaction.Transaction;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An exactly-once group's offsets in its read-model database: table {@code tributary_offsets}, one row per
 * (group, stream, partition) holding the offset to resume from and the generation and member that claimed it.
 *
 * <p>A member claims a partition when the log assigns it, with the assignment's generation; a claim only replaces
 * an older generation. A batch commits its offsets only where its member's claim still stands, in the batch's own
 * transaction, so a member that lost a partition while its batch was in flight cannot commit the batch. Plain SQL
 * through the entity manager, portable between HSQLDB and PostgreSQL.
 */
final class OffsetTable {

    static final String TABLE = "tributary_offsets";

    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + "group_name VARCHAR(255) NOT NULL, "
            + "stream_name VARCHAR(255) NOT NULL, "
            + "partition_no INTEGER NOT NULL, "
            + "next_offset BIGINT, "
            + "generation INTEGER NOT NULL, "
            + "owner VARCHAR(255), "
            + "updated_at TIMESTAMP NOT NULL, "
            + "PRIMARY KEY (group_name, stream_name, partition_no))";
    private static final String PROBE = "SELECT COUNT(*) FROM " + TABLE + " WHERE 1 = 0";
    private static final String SELECT = "SELECT stream_name, partition_no, next_offset, generation, owner FROM "
            + TABLE + " WHERE group_name = ?1";
    // A row starts with no offset (resume from the beginning) and a generation below any the log hands out.
    private static final String INSERT = "INSERT INTO " + TABLE
            + " (group_name, stream_name, partition_no, next_offset, generation, owner, updated_at)"
            + " VALUES (?1, ?2, ?3, NULL, -1, NULL, ?4)";
    private static final String CLAIM = "UPDATE " + TABLE + " SET generation = ?1, owner = ?2, updated_at = ?3"
            + " WHERE group_name = ?4 AND stream_name = ?5 AND partition_no = ?6 AND generation < ?7";
    private static final String TAKE_OVER = "UPDATE " + TABLE + " SET generation = ?1, owner = ?2, updated_at = ?3"
            + " WHERE group_name = ?4 AND stream_name = ?5 AND partition_no = ?6 AND generation = ?7"
            + " AND (owner = ?8 OR owner IS NULL)";
    private static final String COMMIT = "UPDATE " + TABLE + " SET next_offset = ?1, updated_at = ?2"
            + " WHERE group_name = ?3 AND stream_name = ?4 AND partition_no = ?5 AND generation = ?6 AND owner = ?7";
    private static final String RESET_OFFSET = "UPDATE " + TABLE + " SET next_offset = ?1"
            + " WHERE group_name = ?2 AND stream_name = ?3 AND partition_no = ?4";
    // No member has a NULL owner, so this fences every claim; the generation only ever grows.
    private static final String FENCE_ALL = "UPDATE " + TABLE + " SET owner = NULL, updated_at = ?1,"
            + " generation = CASE WHEN generation < ?2 THEN ?3 ELSE generation END WHERE group_name = ?4";

    private final JpaTransactionManager transactions;
    private final String group;
    private final Clock clock;

    OffsetTable(JpaTransactionManager transactions, String group, Clock clock) {
        this.transactions = transactions;
        this.group = group;
        this.clock = clock;
    }

    /** Creates the table if it does not exist yet. */
    void createIfMissing() {
        try {
            inTransaction(em -> em.createNativeQuery(CREATE).executeUpdate());
        } catch (PersistenceException e) {
            // Two processes creating it at once can collide (PostgreSQL's catalog); the table is there either way.
            try {
                inTransaction(em -> em.createNativeQuery(PROBE).getResultList());
            } catch (PersistenceException probe) {
                e.addSuppressed(probe);
                throw e;
            }
        }
    }

    /**
     * Claims the partitions for a member of the given generation and reads their rows, in one transaction after
     * inserting any missing rows. A claim only succeeds over an older generation.
     */
    Map<StreamPartition, Claim> claim(Collection<StreamPartition> partitions, int generation, String owner) {
        insertMissing(partitions);
        return inTransaction(em -> {
            Timestamp now = now();
            // In one order everywhere, so that a claim and a commit over the same rows cannot deadlock.
            for (StreamPartition p : new TreeSet<>(partitions)) {
                em.createNativeQuery(CLAIM).setParameter(1, generation).setParameter(2, owner).setParameter(3, now)
                        .setParameter(4, group).setParameter(5, p.stream()).setParameter(6, p.partition())
                        .setParameter(7, generation).executeUpdate();
            }
            Map<StreamPartition, Row> rows = rows(em);
            Map<StreamPartition, Claim> claims = new HashMap<>();
            for (StreamPartition p : partitions) {
                Row row = rows.get(p);
                boolean won = row.generation == generation && owner.equals(row.owner);
                claims.put(p, new Claim(won, row.nextOffset, row.generation, row.owner));
            }
            return claims;
        });
    }

    /**
     * Takes a partition over from the claim it was seen with, whatever that claim's generation: for when the log's
     * generations started again below the table's (its group was deleted and recreated). False if the row moved on.
     */
    boolean takeOver(StreamPartition partition, int generation, String owner, Claim seen) {
        return inTransaction(em -> em.createNativeQuery(TAKE_OVER).setParameter(1, generation).setParameter(2, owner)
                .setParameter(3, now()).setParameter(4, group).setParameter(5, partition.stream())
                .setParameter(6, partition.partition()).setParameter(7, seen.generation())
                .setParameter(8, seen.owner() == null ? "" : seen.owner()).executeUpdate() == 1);
    }

    /**
     * Stores the offsets in the caller's transaction where the claims still stand.
     *
     * @return the partitions whose claim was replaced by a newer one: the caller must roll back
     */
    Set<StreamPartition> commit(EntityManager em, Map<StreamPartition, Long> offsets,
                                Map<StreamPartition, Integer> generations, String owner) {
        Timestamp now = now();
        Set<StreamPartition> fenced = new HashSet<>();
        new TreeMap<>(offsets).forEach((p, offset) -> {
            Integer generation = generations.get(p);
            int updated = generation == null ? 0 : em.createNativeQuery(COMMIT).setParameter(1, offset)
                    .setParameter(2, now).setParameter(3, group).setParameter(4, p.stream())
                    .setParameter(5, p.partition()).setParameter(6, generation).setParameter(7, owner).executeUpdate();
            if (updated == 0) {
                fenced.add(p);
            }
        });
        return fenced;
    }

    /** The stored offsets of the group's partitions that have one. */
    Map<StreamPartition, Long> read() {
        return inTransaction(em -> {
            Map<StreamPartition, Long> offsets = new HashMap<>();
            rows(em).forEach((p, row) -> row.nextOffset.ifPresent(o -> offsets.put(p, o)));
            return offsets;
        });
    }

    /**
     * In one transaction: the read-model reset, the new offsets, and a fence on every claim of the group, so that
     * no batch in flight anywhere can commit over the reset. {@code generation} is the log's current one: claims
     * made after the reset, with a newer generation, succeed.
     */
    void reset(Consumer<EntityManager> readModelReset, Map<StreamPartition, Long> offsets,
               Collection<StreamPartition> partitions, int generation) {
        insertMissing(partitions);
        inTransaction(em -> {
            readModelReset.accept(em);
            em.flush();
            offsets.forEach((p, offset) -> em.createNativeQuery(RESET_OFFSET).setParameter(1, offset)
                    .setParameter(2, group).setParameter(3, p.stream()).setParameter(4, p.partition())
                    .executeUpdate());
            return em.createNativeQuery(FENCE_ALL).setParameter(1, now()).setParameter(2, generation)
                    .setParameter(3, generation).setParameter(4, group).executeUpdate();
        });
    }

    private void insertMissing(Collection<StreamPartition> partitions) {
        try {
            insertMissingOnce(partitions);
        } catch (PersistenceException e) {
            // Another member inserted one of the rows at the same time; the second look sees it.
            insertMissingOnce(partitions);
        }
    }

    private void insertMissingOnce(Collection<StreamPartition> partitions) {
        inTransaction(em -> {
            Set<StreamPartition> existing = rows(em).keySet();
            Timestamp now = now();
            for (StreamPartition p : partitions) {
                if (!existing.contains(p)) {
                    em.createNativeQuery(INSERT).setParameter(1, group).setParameter(2, p.stream())
                            .setParameter(3, p.partition()).setParameter(4, now).executeUpdate();
                }
            }
            return null;
        });
    }

    private Map<StreamPartition, Row> rows(EntityManager em) {
        @SuppressWarnings("unchecked")
        List<Object[]> result = em.createNativeQuery(SELECT).setParameter(1, group).getResultList();
        Map<StreamPartition, Row> rows = new HashMap<>();
        for (Object[] r : result) {
            rows.put(new StreamPartition((String) r[0], ((Number) r[1]).intValue()),
                    new Row(r[2] == null ? OptionalLong.empty() : OptionalLong.of(((Number) r[2]).longValue()),
                            ((Number) r[3]).intValue(), (String) r[4]));
        }
        return rows;
    }

    private <T> T inTransaction(Function<EntityManager, T> work) {
        Transaction tx = transactions.startTransaction();
        try {
            T result = work.apply(transactions.currentEntityManager());
            tx.commit();
            return result;
        } catch (RuntimeException | Error e) {
            tx.rollback();
            throw e;
        }
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    /**
     * A partition's row after a claim.
     *
     * @param won        whether this member holds the claim now
     * @param nextOffset the stored offset to resume from, if any
     * @param generation the claim's generation
     * @param owner      the claiming member, or {@code null} after a reset
     */
    record Claim(boolean won, OptionalLong nextOffset, int generation, String owner) {
    }

    private record Row(OptionalLong nextOffset, int generation, String owner) {
    }
}
