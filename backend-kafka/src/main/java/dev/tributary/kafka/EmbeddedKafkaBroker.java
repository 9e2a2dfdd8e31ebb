package dev.tributary.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, on 127.0.0.1: for
 * tests, samples and local development, never for production.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
 *      KafkaEventLog log = KafkaEventLog.builder().bootstrapServers(broker.bootstrapServers()).build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>The broker's classes are not a transitive dependency of {@code backend-kafka}: declare
 * {@code org.apache.kafka:kafka_2.13} (same version as {@code kafka-clients}) yourself, usually in test scope.
 *
 * <p>Without {@link Builder#dataDir} the data lives in a temporary directory deleted on {@link #close()}. With it,
 * the directory is formatted once and reused on the next start, so a sample keeps its streams across restarts;
 * pass the same {@link Builder#port} too if clients should reconnect. Internal topics use replication factor 1,
 * and group timeouts are lowered so that tests can use session timeouts of half a second.
 *
 * <p>Kafka ends its process on some fatal errors; starting an embedded broker replaces that, for the whole JVM,
 * with an {@link IllegalStateException} on the failing broker thread, so that a broker failure never silently ends
 * the test run or sample that hosts it.
 *
 * <p>Start and close are thread-safe; a broker starts at most once (build another to restart on the same
 * directory and port).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";

    private final Path configuredDataDir;
    private final int configuredPort;
    private Path dataDir;
    private int port;
    private KRaftNode node;
    private boolean started;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.configuredDataDir = builder.dataDir;
        this.configuredPort = builder.port == null ? 0 : builder.port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if it is new, starts the broker and waits until it accepts requests.
     *
     * @return this broker, for chaining
     * @throws IllegalStateException if it was started before, or the broker's classes are missing
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("this broker was closed; build a new one to restart on the same data dir");
        }
        if (started) {
            throw new IllegalStateException("this broker was already started on " + bootstrapServers());
        }
        requireBrokerClasses();
        started = true;
        try {
            dataDir = configuredDataDir != null ? Files.createDirectories(configuredDataDir)
                    : Files.createTempDirectory("tributary-kafka-");
            port = configuredPort != 0 ? configuredPort : freePort();
            // The controller port is private to this process and may differ between restarts: a static
            // single-voter quorum stores the voter's id, not its address.
            node = KRaftNode.start(dataDir, port, freePort());
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("could not prepare the data directory of the embedded Kafka broker", e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@link KafkaEventLog.Builder#bootstrapServers}. */
    public synchronized String bootstrapServers() {
        if (!started) {
            throw new IllegalStateException("the broker is not started yet");
        }
        return "127.0.0.1:" + port;
    }

    /** The port clients connect to. */
    public synchronized int port() {
        if (!started) {
            throw new IllegalStateException("the broker is not started yet");
        }
        return port;
    }

    /** Where the broker keeps its data. */
    public synchronized Path dataDir() {
        if (!started) {
            throw new IllegalStateException("the broker is not started yet");
        }
        return dataDir;
    }

    /**
     * Stops the broker cleanly (everything acknowledged is on disk) and deletes the data directory unless it was
     * given with {@link Builder#dataDir}. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (node != null) {
                node.stop();
            }
        } finally {
            if (configuredDataDir == null && dataDir != null) {
                deleteRecursively(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + (started ? "127.0.0.1:" + port + ", " + dataDir : "not started") + "]";
    }

    private static void requireBrokerClasses() {
        try {
            Class.forName(BROKER_CLASS, false, EmbeddedKafkaBroker.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the embedded broker needs org.apache.kafka:kafka_2.13 on the class path "
                    + "(backend-kafka declares it optional so that applications never ship it): add it, usually "
                    + "with <scope>test</scope>", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the embedded broker's data in " + dir, e);
        }
    }

    /** Options of an {@link EmbeddedKafkaBroker}. Each may be set once. */
    public static final class Builder {

        private Path dataDir;
        private Integer port;

        private Builder() {
        }

        /** Keeps the data in this directory, formatted on first use and reused after; kept on close. */
        public Builder dataDir(Path dataDir) {
            Objects.requireNonNull(dataDir, "dataDir");
            if (this.dataDir != null) {
                throw new IllegalStateException("dataDir was already set to " + this.dataDir);
            }
            if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
                throw new IllegalArgumentException("dataDir " + dataDir + " exists and is not a directory");
            }
            this.dataDir = dataDir;
            return this;
        }

        /** The port clients connect to on 127.0.0.1; default a free one. */
        public Builder port(int port) {
            if (this.port != null) {
                throw new IllegalStateException("port was already set to " + this.port);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The broker, not started yet: call {@link EmbeddedKafkaBroker#start()}. */
        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
