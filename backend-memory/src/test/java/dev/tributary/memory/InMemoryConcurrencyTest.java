package dev.tributary.memory;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.spi.GroupMember;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import dev.tributary.spi.RebalanceListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryConcurrencyTest {

    private static final int EVENTS = 10_000;
    private static final int PARTITIONS = 8;
    private static final int WORKERS = 4;

    private final InMemoryEventLog log = InMemoryEventLog.builder().maxPollInterval(Duration.ofSeconds(30)).build();
    /** Which member processes each partition now, as the members' own callbacks tell it. */
    private final Map<StreamPartition, String> processing = new ConcurrentHashMap<>();
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private final Queue problems = new Queue();
    private final AtomicInteger memberships = new AtomicInteger();
    /** Keeps the producer at most this many events ahead of delivery, so that members come and go throughout. */
    private final Semaphore inFlight = new Semaphore(500);
    private volatile int membershipsWhenProduced;

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void members_joining_and_leaving_on_several_threads_get_every_event_once_and_never_share_a_partition()
            throws Exception {
        log.createStream(StreamSpec.of("pos", PARTITIONS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Thread producer = new Thread(this::produce, "producer");
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            // Worker 0 stays in the group throughout; the others keep leaving and rejoining.
            boolean churn = w > 0;
            workers.add(new Thread(() -> consume(churn, deadline), "worker-" + w));
        }
        workers.forEach(Thread::start);
        producer.start();

        producer.join(TimeUnit.SECONDS.toMillis(60));
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(60));
        }

        assertEquals(List.of(), problems.list());
        assertEquals(EVENTS, delivered.size());
        assertTrue(membershipsWhenProduced > 3 * WORKERS,
                "members must come and go while events are appended, got " + membershipsWhenProduced + " memberships");
    }

    private void produce() {
        try {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int next = 0;
            int checkpoint = 0;
            while (next < EVENTS) {
                if (next >= checkpoint) {
                    // A fast machine could otherwise append everything between two rejoins: wait for the churning
                    // members to come and go a few times per tenth of the events, so that they do by construction.
                    awaitMemberships(memberships.get() + WORKERS - 1);
                    checkpoint += EVENTS / 10;
                }
                int batch = Math.min(EVENTS - next, 1 + random.nextInt(5));
                if (!inFlight.tryAcquire(batch, 10, TimeUnit.SECONDS)) {
                    problems.add("delivery stalled at " + delivered.size() + " of " + next + " events");
                    return;
                }
                StreamPartition partition = StreamPartition.of("pos", random.nextInt(PARTITIONS));
                List<LogRecord> records = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    String key = "event-" + next++;
                    records.add(new LogRecord(key, key.getBytes(StandardCharsets.UTF_8), Map.of(), Instant.now()));
                }
                log.append(partition, records).join();
            }
            membershipsWhenProduced = memberships.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("producer interrupted");
        } catch (RuntimeException e) {
            problems.add("producer failed: " + e);
        }
    }

    private void awaitMemberships(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (memberships.get() < atLeast) {
            if (System.nanoTime() - deadline > 0) {
                problems.add("members stopped coming and going at " + memberships.get() + " memberships");
                return;
            }
            Thread.sleep(1);
        }
    }

    private void consume(boolean churn, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
            while (delivered.size() < EVENTS && System.nanoTime() < deadline) {
                String name = Thread.currentThread().getName() + "#" + memberships.incrementAndGet();
                GroupMember[] member = new GroupMember[1];
                member[0] = log.joinGroup("pos-view", Set.of("pos"), new Tracker(name, member));
                int polls = churn ? 1 + random.nextInt(10) : Integer.MAX_VALUE;
                for (int i = 0; i < polls && delivered.size() < EVENTS && System.nanoTime() < deadline; i++) {
                    List<LogEntry> entries = member[0].poll(Duration.ofMillis(5));
                    Map<StreamPartition, Long> positions = new HashMap<>();
                    for (LogEntry entry : entries) {
                        if (!name.equals(processing.get(entry.partition()))) {
                            problems.add(name + " got " + entry + " while " + processing.get(entry.partition())
                                    + " processes that partition");
                        }
                        if (delivered.add(entry.key())) {
                            inFlight.release();
                        } else {
                            problems.add(entry.key() + " was delivered twice, again to " + name);
                        }
                        positions.put(entry.partition(), member[0].position(entry.partition()));
                    }
                    member[0].commitSync(positions);
                }
                member[0].close();
            }
        } catch (RuntimeException e) {
            problems.add(Thread.currentThread().getName() + " failed: " + e);
        }
    }

    /** Checks that a partition is handed over only after its previous owner let go, and commits on revocation. */
    private final class Tracker implements RebalanceListener {
        private final String name;
        private final GroupMember[] member;

        Tracker(String name, GroupMember[] member) {
            this.name = name;
            this.member = member;
        }

        @Override
        public void onAssigned(Set<StreamPartition> partitions, int generation) {
            for (StreamPartition p : partitions) {
                String previous = processing.putIfAbsent(p, name);
                if (previous != null) {
                    problems.add(name + " was assigned " + p + " while " + previous + " still processes it");
                }
            }
        }

        @Override
        public void onRevoked(Set<StreamPartition> partitions) {
            Map<StreamPartition, Long> positions = new HashMap<>();
            partitions.forEach(p -> positions.put(p, member[0].position(p)));
            member[0].commitSync(positions);
            partitions.forEach(p -> processing.remove(p, name));
        }

        @Override
        public void onLost(Set<StreamPartition> partitions) {
            problems.add(name + " lost " + partitions + " although every member polls in time");
        }
    }

    /** The problems the threads saw, reported together at the end. */
    private static final class Queue {
        private final ConcurrentLinkedQueue<String> items = new ConcurrentLinkedQueue<>();

        void add(String problem) {
            if (items.size() < 20) {
                items.add(problem);
            }
        }

        List<String> list() {
            return List.copyOf(items);
        }
    }
}
