package dev.tributary.kafka;

import dev.tributary.api.StreamSpec;
import dev.tributary.kafka.ProjectionMemberProcess.Tick;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private final List<ChildJvm> members = new ArrayList<>();

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
        for (ChildJvm member : members) {
            member.process().destroyForcibly();
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
            ChildJvm first = startMember(name, group, marker, 5_000, "first");
            Future<?> publishing = publisher.submit(
                    () -> KillTestEvents.publish(log, name, EVENTS, Tick::new, () -> Files.exists(marker), PATIENCE));

            first.eventually("the first member is inside a batch after 5,000 events", () -> Files.exists(marker),
                    PATIENCE);
            assertFalse(publishing.isDone(), "events are still flowing when the member is killed");
            first.process().destroyForcibly();
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "the killed member's process ended");
            long atKill = count("SELECT COUNT(*) FROM seen");
            assertTrue(atKill < 5_000, "the batch in flight was not committed: " + atKill + " rows at the kill");

            ChildJvm second = startMember(name, group, dir.resolve("never"), 0, "second");
            publishing.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            second.eventually("the new member has counted all " + EVENTS + " events",
                    () -> count("SELECT COUNT(*) FROM seen") >= EVENTS, PATIENCE);
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

    private ChildJvm startMember(String stream, String group, Path marker, long markAfter, String name)
            throws IOException {
        ChildJvm member = ChildJvm.start(name + " member", dir.resolve(name + ".log"), ProjectionMemberProcess.class,
                SharedKafkaBroker.bootstrapServers(), jdbcUrl, stream, group, marker.toString(),
                String.valueOf(markAfter));
        members.add(member);
        return member;
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
