package dev.tributary.internal.command;

import dev.tributary.api.StreamPartition;
import dev.tributary.internal.EventCodec;
import dev.tributary.spi.EventLog;
import dev.tributary.spi.LogEntry;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.messaging.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one partition writer knows about the aggregates in its partition: an index from aggregate id to its last
 * sequence number and the offsets of its events (built by one scan when the writer starts, then kept up to date
 * by the writer's own commits), a bounded LRU of live aggregates, the aggregates loaded for the open transaction,
 * and the aggregates changed by it. Confined to the writer thread.
 *
 * <p>The aggregates changed by the open transaction are pinned outside the LRU: their newest events are not in
 * the log yet, so they could not be rebuilt from it if the LRU dropped them. The aggregates loaded for it are held
 * outside the LRU too, until it ends: they were read from the log before it opened, and its commands must find them
 * live, whatever the cache size, rather than read the log while it is open.
 */
final class AggregateStore {

    private static final Logger logger = LoggerFactory.getLogger(AggregateStore.class);

    /** Entries per read while indexing; each read is one round trip on Kafka. */
    private static final int SCAN_CHUNK = 2_000;
    /**
     * How long an indexing read waits for its first entry. An empty answer before the end offset means only
     * transaction markers or aborted records remain, so this bounds what such a tail costs at start.
     */
    private static final Duration SCAN_READ_TIMEOUT = Duration.ofSeconds(2);
    /** How long a rebuild read waits: the entries are known to be committed, so an empty answer is an error. */
    private static final Duration REBUILD_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Offsets further apart than this are read separately rather than reading (and dropping) what lies between. */
    private static final int REBUILD_READ_SPAN = 256;
    /**
     * How many bytes of event values the start-up scan may keep, so that the first load of each aggregate after a
     * restart needs no log read: its events lie spread over the whole partition, so reading them back costs about
     * one more scan per aggregate (seen in the POS sample on Kafka: deductions 14 s behind the tills after a restart).
     */
    private static final long WARM_BYTES = 16L << 20;
    /** Per kept entry, beyond its value: the entry object, its headers and the list slot, roughly. */
    private static final long WARM_ENTRY_OVERHEAD = 200;

    private final EventLog log;
    private final EventCodec codec;
    private final StreamPartition partition;
    private final int cacheSize;
    private final Map<String, History> index = new HashMap<>();
    private final Map<String, EventSourcedAggregate<?>> cache;
    private final Map<String, EventSourcedAggregate<?>> pending = new HashMap<>();
    private final Map<String, EventSourcedAggregate<?>> loaded = new HashMap<>();
    /**
     * Entries the start-up scan kept, per aggregate, each list complete (all of the aggregate's events) or absent;
     * an aggregate's list is dropped when it is first loaded. At most about {@link #WARM_BYTES}.
     */
    private final Map<String, List<LogEntry>> warm = new HashMap<>();
    private boolean indexed;

    AggregateStore(EventLog log, EventCodec codec, StreamPartition partition, int cacheSize) {
        this.log = log;
        this.codec = codec;
        this.partition = partition;
        this.cacheSize = cacheSize;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EventSourcedAggregate<?>> eldest) {
                return size() > AggregateStore.this.cacheSize;
            }
        };
    }

    boolean indexed() {
        return indexed;
    }

    /** Reads the whole partition once, headers only, to learn every aggregate's events. */
    void buildIndex() {
        index.clear();
        warm.clear();
        // Aggregates whose entries stopped being kept when the budget ran out: a partial list must never be used.
        Set<String> notKept = new HashSet<>();
        long keptBytes = 0;
        // Aggregate events are only ever written by transactions, and on a log whose transaction markers take
        // offsets each is followed by its marker: a single offset left before the end can hold no aggregate event.
        long tail = log.capabilities().transactionMarkersTakeOffsets() ? 1 : 0;
        long from = log.beginningOffset(partition);
        long end = log.endOffset(partition);
        while (end - from > tail) {
            List<LogEntry> entries = log.read(partition, from, SCAN_CHUNK, SCAN_READ_TIMEOUT);
            if (entries.isEmpty()) {
                break; // only markers and aborted records remain before the end
            }
            for (LogEntry entry : entries) {
                String id = text(entry.headers().get(Headers.AGGREGATE_ID));
                byte[] seq = entry.headers().get(Headers.AGGREGATE_SEQ);
                // Records without aggregate headers were published onto the stream from outside any aggregate.
                if (id != null && seq != null && seq.length == Long.BYTES) {
                    index.computeIfAbsent(id, k -> new History()).add(ByteBuffer.wrap(seq).getLong(), entry.offset());
                    if (!notKept.contains(id)) {
                        keptBytes += entry.value().length + WARM_ENTRY_OVERHEAD;
                        if (keptBytes <= WARM_BYTES) {
                            warm.computeIfAbsent(id, k -> new ArrayList<>()).add(entry);
                        } else {
                            // Over budget: aggregates already complete stay kept; this one is read from the log.
                            notKept.add(id);
                            List<LogEntry> dropped = warm.remove(id);
                            if (dropped != null) {
                                for (LogEntry d : dropped) {
                                    keptBytes -= d.value().length + WARM_ENTRY_OVERHEAD;
                                }
                            }
                            keptBytes -= entry.value().length + WARM_ENTRY_OVERHEAD;
                        }
                    }
                }
            }
            from = entries.get(entries.size() - 1).nextOffset();
        }
        indexed = true;
    }

    /** Whether the aggregate has events in the log or in the open transaction. */
    boolean exists(String aggregateId) {
        return pending.containsKey(aggregateId) || index.containsKey(aggregateId);
    }

    /** The sequence number of the aggregate's last committed event, or -1 if it has none. */
    long lastSequence(String aggregateId) {
        History history = index.get(aggregateId);
        return history == null ? -1 : history.lastSequence;
    }

    /** The live aggregate if this writer holds it, else {@code null}. */
    EventSourcedAggregate<?> live(String aggregateId) {
        EventSourcedAggregate<?> aggregate = pending.get(aggregateId);
        if (aggregate == null) {
            aggregate = loaded.get(aggregateId);
        }
        return aggregate != null ? aggregate : cache.get(aggregateId);
    }

    /** Whether a command for the aggregate would read it from the log: it has events there but is not live here. */
    boolean needsLoad(String aggregateId) {
        return index.containsKey(aggregateId) && !pending.containsKey(aggregateId)
                && !loaded.containsKey(aggregateId) && !cache.containsKey(aggregateId);
    }

    /** Holds an aggregate just rebuilt from the log, before the transaction whose commands need it opens. */
    void loaded(String aggregateId, EventSourcedAggregate<?> aggregate) {
        loaded.put(aggregateId, aggregate);
    }

    /**
     * The aggregate's committed events, in sequence order; empty if it has none.
     *
     * @throws AggregateLoadException if the log cannot give them back
     */
    List<DomainEventMessage<?>> events(String aggregateId) {
        History history = index.get(aggregateId);
        if (history == null) {
            return List.of();
        }
        try {
            return read(aggregateId, history);
        } catch (RuntimeException e) {
            throw new AggregateLoadException(aggregateId, partition, e);
        }
    }

    private List<DomainEventMessage<?>> read(String aggregateId, History history) {
        long[] offsets = history.offsets();
        List<DomainEventMessage<?>> events = new ArrayList<>(offsets.length);
        List<LogEntry> kept = warm.remove(aggregateId);
        if (kept != null && matches(kept, offsets)) {
            for (LogEntry entry : kept) {
                events.add((DomainEventMessage<?>) codec.toEventMessage(codec.decode(entry)));
            }
            return events;
        }
        int next = 0;
        while (next < offsets.length) {
            long from = offsets[next];
            if (from < log.beginningOffset(partition)) {
                throw new IllegalStateException("the events of aggregate '" + aggregateId + "' from " + partition + "@"
                        + from + " were deleted from the log: aggregate streams need unlimited retention");
            }
            int last = next;
            while (last + 1 < offsets.length && offsets[last + 1] - from < REBUILD_READ_SPAN) {
                last++;
            }
            int want = (int) (offsets[last] - from + 1);
            List<LogEntry> entries = log.read(partition, from, want, REBUILD_READ_TIMEOUT);
            if (entries.isEmpty()) {
                throw new IllegalStateException("the log returned nothing at " + partition + "@" + from
                        + " where an event of aggregate '" + aggregateId + "' was committed");
            }
            for (LogEntry entry : entries) {
                if (next < offsets.length && entry.offset() == offsets[next]) {
                    events.add((DomainEventMessage<?>) codec.toEventMessage(codec.decode(entry)));
                    next++;
                } else if (next < offsets.length && entry.offset() > offsets[next]) {
                    throw new IllegalStateException("the log has no entry at " + partition + "@" + offsets[next]
                            + " where an event of aggregate '" + aggregateId + "' was committed");
                }
            }
        }
        return events;
    }

    /** Whether the kept entries are exactly the aggregate's events now: none committed since the scan. */
    private static boolean matches(List<LogEntry> kept, long[] offsets) {
        if (kept.size() != offsets.length) {
            return false;
        }
        for (int i = 0; i < offsets.length; i++) {
            if (kept.get(i).offset() != offsets[i]) {
                return false;
            }
        }
        return true;
    }

    /** Holds an aggregate changed by the open transaction until it commits or fails. */
    void pin(String aggregateId, EventSourcedAggregate<?> aggregate) {
        pending.put(aggregateId, aggregate);
    }

    /**
     * The open transaction committed: its events are at these offsets, and the aggregates it changed move to the
     * LRU (or are dropped when the cache size is 0).
     *
     * @param appended the aggregate id and sequence number of each event, in append order
     * @param offsets  the offset of each, as the commit returned them
     */
    void committed(List<AppendedEvent> appended, List<Long> offsets) {
        if (appended.size() != offsets.size()) {
            // The commit stands, but the index cannot say where these events are: learn it again from the log.
            logger.error("The log assigned {} offset(s) in {} to {} appended event(s); re-indexing the partition",
                    offsets.size(), partition, appended.size());
            invalidate();
            return;
        }
        for (int i = 0; i < appended.size(); i++) {
            AppendedEvent event = appended.get(i);
            index.computeIfAbsent(event.aggregateId(), k -> new History()).add(event.sequenceNumber(), offsets.get(i));
        }
        if (cacheSize > 0) {
            // Loaded aggregates that no command changed are as the log has them; a failed command's are evicted next.
            cache.putAll(loaded);
            cache.putAll(pending);
        }
        loaded.clear();
        pending.clear();
    }

    /** Forgets everything, so that the next command indexes the partition again. */
    private void invalidate() {
        indexed = false;
        index.clear();
        warm.clear();
        cache.clear();
        loaded.clear();
        pending.clear();
    }

    /**
     * The open transaction failed: what it changed in memory is not in the log, so forget those aggregates, and the
     * ones loaded for it too, which its next attempt loads again.
     */
    void discardPending() {
        pending.keySet().forEach(cache::remove);
        pending.clear();
        loaded.clear();
    }

    /** Drops an aggregate whose state may hold changes that were not committed. */
    void evict(String aggregateId) {
        pending.remove(aggregateId);
        loaded.remove(aggregateId);
        cache.remove(aggregateId);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** An event appended to the open transaction. */
    record AppendedEvent(String aggregateId, long sequenceNumber) {
    }

    /** One aggregate's events in this partition: the last sequence number and every event's offset, in order. */
    private static final class History {

        private long lastSequence = -1;
        private long[] offsets = new long[4];
        private int size;

        void add(long sequenceNumber, long offset) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
            }
            offsets[size++] = offset;
            lastSequence = Math.max(lastSequence, sequenceNumber);
        }

        long[] offsets() {
            return Arrays.copyOf(offsets, size);
        }
    }
}
