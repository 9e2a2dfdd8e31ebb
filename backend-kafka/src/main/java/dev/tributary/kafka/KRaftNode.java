package dev.tributary.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka server behind {@link EmbeddedKafkaBroker}. Kept apart so that {@code EmbeddedKafkaBroker} can load,
 * and explain what is missing, when the optional broker classes are not on the class path.
 */
final class KRaftNode {

    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;

    private KRaftNode(KafkaRaftServer server) {
        this.server = server;
    }

    static KRaftNode start(Path dataDir, int port, int controllerPort) {
        // Kafka ends the process on fatal errors; inside a test or sample JVM that would kill the host silently.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("the embedded Kafka broker failed fatally (exit " + status + "): " + message);
        });
        Exit.setHaltProcedure((status, message) -> {
            throw new IllegalStateException("the embedded Kafka broker failed fatally (halt " + status + "): " + message);
        });
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(dataDir, port, controllerPort), false);
        format(dataDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
            awaitReady("127.0.0.1:" + port);
            return new KRaftNode(server);
        } catch (RuntimeException | Error e) {
            stop(server);
            throw e;
        }
    }

    void stop() {
        stop(server);
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static Properties brokerProperties(Path dataDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        // Streams are created explicitly; a typo must not create a topic by reading from it.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // One node: every internal topic has one replica, and few partitions so that it is created quickly.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Tests join and leave groups all the time: no waiting for more members, short sessions allowed.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "500");
        // Transactions left open by a killed process are aborted soon after their timeout, not a minute later.
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // A development broker on a shared machine: fewer threads and a smaller compaction buffer.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        return p;
    }

    /** Formats the directory as {@code kafka-storage.sh format} would; a formatted directory is left as it is. */
    private static void format(Path dataDir) {
        String dir = dataDir.toAbsolutePath().toString();
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            // Formatted by an earlier start: it keeps its cluster id, which a new format would contradict.
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(false)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(dir)
                    .setHasDynamicQuorum(false)
                    .setDirectories(List.of(dir))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format " + dir + " for the embedded Kafka broker: "
                    + e.getMessage(), e);
        }
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            throw new IllegalStateException("formatting " + dir + " left no meta.properties");
        }
    }

    /** Waits until the broker answers metadata requests as an unfenced broker. */
    private static void awaitReady(String bootstrapServers) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "tributary-embedded-broker-probe"))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not up yet: retry until the deadline
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the embedded Kafka broker on " + bootstrapServers
                            + " did not become ready within " + READY_TIMEOUT);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker", e);
        }
    }
}
