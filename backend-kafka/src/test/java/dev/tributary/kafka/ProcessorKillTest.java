package dev.tributary.kafka;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.internal.EventCodec;
import dev.tributary.kafka.ProcessorMemberProcess.Tick;
import dev.tributary.kafka.ProcessorMemberProcess.Tock;
import dev.tributary.spi.LogEntry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real crash: a processor member runs in a JVM of its own and is killed with SIGKILL while its transaction is open
 * on the broker, holding outputs of a batch but not yet its consumed offsets, and while 50,000 events flow; a new
 * member process takes over. Read committed, the output stream ends up with exactly one output per input, in input
 * order per key.
 */
@KafkaTest
class ProcessorKillTest {

    private static final int EVENTS = 50_000;
    private static final int PARTITIONS = 4;
    private static final int MARK_AFTER = 5_000;
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Pattern MARKER =
            Pattern.compile("sent=(\\d+) inTransaction=(\\d+) batch=(\\d+) acknowledged=(\\d+)");

    @TempDir
    Path dir;
    private final List<ChildJvm> members = new ArrayList<>();
    private final EventCodec codec = EventCodec.withDefaults(Clock.systemUTC());

    @AfterEach
    void stopMembers() {
        for (ChildJvm member : members) {
            member.process().destroyForcibly();
        }
    }

    @Test
    void a_processor_killed_mid_batch_leaves_exactly_one_output_per_input_after_a_restart() throws Exception {
        String name = "pkill-" + UUID.randomUUID().toString().substring(0, 8);
        String in = name + "-in";
        String out = name + "-out";
        String group = "pkill-" + name;
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try (KafkaEventLog log = KafkaEventLog.builder()
                .bootstrapServers(SharedKafkaBroker.bootstrapServers())
                .build()) {
            log.createStream(StreamSpec.of(in, PARTITIONS));
            log.createStream(StreamSpec.of(out, PARTITIONS));
            Path marker = dir.resolve("transaction-open");
            ChildJvm first = startMember(in, out, group, marker, MARK_AFTER, "first");
            Future<?> publishing = publisher.submit(
                    () -> KillTestEvents.publish(log, in, EVENTS, Tick::new, () -> Files.exists(marker), PATIENCE));

            first.eventually("the first member holds a transaction open after " + MARK_AFTER + " outputs",
                    () -> Files.exists(marker), PATIENCE);
            assertFalse(publishing.isDone(), "events are still flowing when the member is killed");
            first.process().destroyForcibly();
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "the killed member's process ended");

            Matcher atKill = MARKER.matcher(Files.readString(marker));
            assertTrue(atKill.matches(), "marker: " + Files.readString(marker));
            long sent = Long.parseLong(atKill.group(1));
            long inTransaction = Long.parseLong(atKill.group(2));
            long batch = Long.parseLong(atKill.group(3));
            assertEquals(sent, Long.parseLong(atKill.group(4)), "every output sent before the kill reached the broker");
            assertTrue(inTransaction > 0 && inTransaction < batch, "killed halfway through a batch: " + atKill.group());
            assertEquals(inTransaction, uncommittedRecords(out),
                    "the open transaction's outputs are in the log, past the last stable offset");
            assertEquals(sent - inTransaction, KillTestEvents.readAll(log, out, PARTITIONS).size(),
                    "read committed, the outputs of the committed batches and none of the open one are visible");

            ChildJvm second = startMember(in, out, group, dir.resolve("never"), 0, "second");
            publishing.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            OutputCounter counter = new OutputCounter(log, out);
            second.eventually("the new member has committed all " + EVENTS + " outputs",
                    () -> counter.count() >= EVENTS, PATIENCE);
            Thread.sleep(500); // a duplicate committed after the count was reached would show up now

            assertOnePerInput(KillTestEvents.readAll(log, in, PARTITIONS), KillTestEvents.readAll(log, out, PARTITIONS));
        } finally {
            publisher.shutdownNow();
        }
    }

    /**
     * Exactly one output per input: as many outputs as inputs, each naming the seq and position of an input that
     * carries that seq, no input twice, and per key in input order.
     */
    private void assertOnePerInput(List<LogEntry> inputs, List<LogEntry> outputs) {
        assertEquals(EVENTS, inputs.size(), "inputs");
        Map<String, Long> seqAt = new HashMap<>();
        for (LogEntry input : inputs) {
            Tick tick = codec.decode(input).payload(Tick.class);
            seqAt.put(input.partition().partition() + "@" + input.offset(), tick.seq());
        }
        Map<Long, List<String>> outputsBySeq = new TreeMap<>();
        Map<String, List<Tock>> byKey = new LinkedHashMap<>();
        Set<String> positions = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        for (LogEntry output : outputs) {
            Tock tock = codec.decode(output).payload(Tock.class);
            String position = tock.inputPartition() + "@" + tock.inputOffset();
            positions.add(position);
            outputsBySeq.computeIfAbsent(tock.seq(), s -> new ArrayList<>())
                    .add("out " + output.partition().partition() + "@" + output.offset() + " from in " + position);
            if (!Long.valueOf(tock.seq()).equals(seqAt.get(position))) {
                wrong.add(tock + " at out " + output.partition().partition() + "@" + output.offset());
            }
            byKey.computeIfAbsent(output.key(), k -> new ArrayList<>()).add(tock);
        }
        List<String> duplicates = new ArrayList<>();
        outputsBySeq.forEach((seq, where) -> {
            if (where.size() > 1) {
                duplicates.add("seq " + seq + ": " + where);
            }
        });
        List<Long> missing = new ArrayList<>();
        for (long seq = 0; seq < EVENTS; seq++) {
            if (!outputsBySeq.containsKey(seq)) {
                missing.add(seq);
            }
        }
        assertTrue(duplicates.isEmpty(), duplicates.size() + " inputs have several outputs, first: "
                + duplicates.subList(0, Math.min(20, duplicates.size())));
        assertTrue(missing.isEmpty(), missing.size() + " inputs have no output, first: "
                + missing.subList(0, Math.min(20, missing.size())));
        assertTrue(wrong.isEmpty(), "outputs naming an input that does not carry their seq: "
                + wrong.subList(0, Math.min(20, wrong.size())));
        assertEquals(EVENTS, outputs.size(), "outputs");
        assertEquals(EVENTS, outputsBySeq.size(), "distinct seqs among the outputs");
        assertEquals(EVENTS, positions.size(), "distinct input positions among the outputs");
        byKey.forEach((key, tocks) -> {
            for (int i = 1; i < tocks.size(); i++) {
                Tock before = tocks.get(i - 1);
                Tock after = tocks.get(i);
                boolean inOrder = before.inputPartition() == after.inputPartition()
                        && before.inputOffset() < after.inputOffset() && before.seq() < after.seq();
                assertTrue(inOrder, "outputs of key " + key + " out of input order: " + before + " before " + after);
            }
        });
    }

    /** Counts a stream's committed entries as they become readable, reading each only once. */
    private static final class OutputCounter {
        private final KafkaEventLog log;
        private final String stream;
        private final long[] next = new long[PARTITIONS];
        private long count;

        OutputCounter(KafkaEventLog log, String stream) {
            this.log = log;
            this.stream = stream;
        }

        long count() {
            for (int p = 0; p < PARTITIONS; p++) {
                StreamPartition partition = new StreamPartition(stream, p);
                List<LogEntry> entries = new ArrayList<>();
                next[p] = KillTestEvents.readFrom(log, partition, next[p], log.endOffset(partition), entries);
                count += entries.size();
            }
            return count;
        }
    }

    /** Records of the stream past its last stable offset: those of transactions still open. */
    private static long uncommittedRecords(String stream) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(stream, p), OffsetSpec.latest());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafkaBroker.bootstrapServers()))) {
            var written = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            long uncommitted = 0;
            for (TopicPartition tp : latest.keySet()) {
                uncommitted += written.get(tp).offset() - stable.get(tp).offset();
            }
            return uncommitted;
        }
    }

    private ChildJvm startMember(String in, String out, String group, Path marker, long markAfter, String name)
            throws IOException {
        ChildJvm member = ChildJvm.start(name + " member", dir.resolve(name + ".log"), ProcessorMemberProcess.class,
                SharedKafkaBroker.bootstrapServers(), in, out, group, marker.toString(), String.valueOf(markAfter));
        members.add(member);
        return member;
    }
}
