package dev.tributary.kafka;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.internal.EventCodec;
import dev.tributary.kafka.ProjectionMemberProcess.Tick;
import dev.tributary.spi.LogRecord;
import org.hsqldb.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real crash: an exactly-once projection member runs in a JVM of its own and is killed with SIGKILL in the middle
 * of a batch while 50,000 events flow; a new member process takes over. The read model (an HSQLDB file database
 * served from this JVM) ends up with every event exactly once.
 */
@KafkaTest
class ProjectionKillTest {

    private static final int EVENTS = 50_000;
    private static final int PARTITIONS = 4;
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @TempDir
    Path dir;
    private Server database;
    private String jdbcUrl;
    private final List<Process> members = new ArrayList<>();

    @BeforeEach
    void startDatabase() throws Exception {
        int port = freePort();
        database = new Server();
        database.setAddress("127.0.0.1");
        database.setPort(port);
        database.setDatabaseName(0, "readmodel");
        database.setDatabasePath(0, "file:" + dir.resolve("db/readmodel") + ";hsqldb.tx=mvcc");
        database.setSilent(true);
        database.setLogWriter(null);
        database.setErrWriter(null);
        database.start();
        jdbcUrl = "jdbc:hsqldb:hsql://127.0.0.1:" + port + "/readmodel";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE seen (seq BIGINT NOT NULL, stream_partition INT NOT NULL, log_offset BIGINT NOT NULL)");
        }
    }

    @AfterEach
    void stopEverything() {
        for (Process member : members) {
            member.destroyForcibly();
        }
        database.shutdown();
    }

    @Test
    void a_member_killed_mid_batch_leaves_every_event_exactly_once_in_the_read_model_after_a_restart()
            throws Exception {
        String name = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "kill-readmodel-" + name;
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try (KafkaEventLog log = KafkaEventLog.builder().bootstrapServers(SharedKafkaBroker.bootstrapServers()).build()) {
            log.createStream(StreamSpec.of(name, PARTITIONS));
            Path marker = dir.resolve("in-batch");
            Process first = startMember(name, group, marker, 5_000, "first");
            Future<?> publishing = publisher.submit(() -> publish(log, name, () -> Files.exists(marker)));

            eventually("the first member is inside a batch after 5,000 events", () -> Files.exists(marker), first);
            assertFalse(publishing.isDone(), "events are still flowing when the member is killed");
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the killed member's process ended");
            long atKill = count("SELECT COUNT(*) FROM seen");
            assertTrue(atKill < 5_000, "the batch in flight was not committed: " + atKill + " rows at the kill");

            Process second = startMember(name, group, dir.resolve("never"), 0, "second");
            publishing.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            eventually("the new member has counted all " + EVENTS + " events",
                    () -> count("SELECT COUNT(*) FROM seen") >= EVENTS, second);
            Thread.sleep(500); // a duplicate committed after the count was reached would show up now

            assertEquals(EVENTS, count("SELECT COUNT(*) FROM seen"), "rows in the read model");
            assertEquals(EVENTS, count("SELECT COUNT(DISTINCT seq) FROM seen"), "distinct events in the read model");
            assertEquals(EVENTS, count("SELECT COUNT(*) FROM (SELECT DISTINCT stream_partition, log_offset FROM seen) AS positions"),
                    "distinct log positions in the read model");
            assertEquals(0, count("SELECT MIN(seq) FROM seen"));
            assertEquals(EVENTS - 1, count("SELECT MAX(seq) FROM seen"));
        } finally {
            publisher.shutdownNow();
        }
    }

    /**
     * Publishes the events in appends of 250 per partition. The second half waits until the member is about to be
     * killed, so that events flow before, during and after the kill whatever the machine's speed.
     */
    private static void publish(KafkaEventLog log, String stream, BooleanSupplier killing) {
        EventCodec codec = EventCodec.withDefaults(Clock.systemUTC());
        Map<StreamPartition, List<LogRecord>> pending = new LinkedHashMap<>();
        for (long seq = 0; seq < EVENTS; seq++) {
            if (seq == EVENTS / 2) {
                awaitQuietly(killing);
            }
            String key = "key-" + (seq % 97);
            StreamPartition partition = log.partitionFor(stream, key);
            List<LogRecord> records = pending.computeIfAbsent(partition, p -> new ArrayList<>());
            records.add(codec.encodeEvent(key, new Tick(seq), Map.of()));
            if (records.size() == 250) {
                log.append(partition, List.copyOf(records)).join();
                records.clear();
            }
        }
        pending.forEach((partition, records) -> {
            if (!records.isEmpty()) {
                log.append(partition, records).join();
            }
        });
    }

    private static void awaitQuietly(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Process startMember(String stream, String group, Path marker, long markAfter, String name)
            throws IOException {
        Path output = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                ProjectionMemberProcess.class.getName(),
                SharedKafkaBroker.bootstrapServers(), jdbcUrl, stream, group, marker.toString(),
                String.valueOf(markAfter))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        members.add(process);
        return process;
    }

    private long count(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "SA", "");
    }

    private void eventually(String what, BooleanSupplier condition, Process member) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!member.isAlive()) {
                fail("the member process ended (exit " + member.exitValue() + ") before " + what + ":\n" + outputOf(member));
            }
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + PATIENCE + " waiting until " + what + ":\n" + outputOf(member));
            }
            Thread.sleep(50);
        }
    }

    private String outputOf(Process member) throws IOException {
        int index = members.indexOf(member);
        Path output = dir.resolve((index == 0 ? "first" : "second") + ".log");
        return Files.exists(output) ? Files.readString(output) : "(no output)";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
