package dev.tributary.kafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One embedded broker for the whole test JVM: started by the first test class that needs it, stopped when JUnit
 * closes the root store at the end of the run. Use it through {@link KafkaTest}.
 *
 * <p>The broker keeps a fixed data directory and port for the JVM's lifetime so that {@link #restart(Duration)} brings
 * the same broker back, with its data, where clients left it.
 */
public final class SharedKafkaBroker implements BeforeAllCallback {

    private static final Object LOCK = new Object();
    private static Holder holder;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedKafkaBroker.class, key -> start(), Holder.class);
    }

    /** {@code 127.0.0.1:<port>} of the shared broker, starting it if no test class did yet. */
    public static String bootstrapServers() {
        synchronized (LOCK) {
            return (holder != null ? holder : start()).broker.bootstrapServers();
        }
    }

    /**
     * Stops the shared broker cleanly, waits {@code downtime}, and starts it again on the same data and port. The
     * broker is running again when this returns, whatever happened, so that later test classes find it.
     */
    public static void restart(Duration downtime) throws InterruptedException {
        synchronized (LOCK) {
            Holder current = holder != null ? holder : start();
            try {
                current.broker.close();
                Thread.sleep(downtime.toMillis());
            } finally {
                current.broker = current.newBroker().start();
            }
        }
    }

    private static Holder start() {
        synchronized (LOCK) {
            if (holder == null) {
                holder = new Holder();
            }
            return holder;
        }
    }

    /** The root store closes this when the test run ends. */
    static final class Holder implements AutoCloseable {

        private final Path dataDir;
        private final int port;
        private EmbeddedKafkaBroker broker;

        Holder() {
            try {
                dataDir = Files.createTempDirectory("tributary-shared-kafka-");
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    port = socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                broker = newBroker().start();
            } catch (RuntimeException e) {
                deleteDataDir();
                throw e;
            }
        }

        EmbeddedKafkaBroker newBroker() {
            return EmbeddedKafkaBroker.builder().dataDir(dataDir).port(port).build();
        }

        @Override
        public void close() {
            synchronized (LOCK) {
                try {
                    broker.close();
                } finally {
                    holder = null;
                    deleteDataDir();
                }
            }
        }

        private void deleteDataDir() {
            try (Stream<Path> paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete the shared broker's data in " + dataDir, e);
            }
        }
    }
}
