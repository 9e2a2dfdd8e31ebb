package dev.tributary.sample.pos;

import dev.tributary.api.Tributary;
import dev.tributary.kafka.EmbeddedKafkaBroker;
import dev.tributary.kafka.KafkaEventLog;
import dev.tributary.memory.InMemoryEventLog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where the sample's log lives: in this process's memory, in an embedded Kafka broker under the data folder, or in
 * an external Kafka cluster. Closing it closes what it started, and only that.
 */
public final class LogBackend implements AutoCloseable {

    private final String description;
    private final boolean durable;
    private final UnaryOperator<Tributary.Builder> attach;
    private final AutoCloseable[] owned;

    private LogBackend(String description, boolean durable, UnaryOperator<Tributary.Builder> attach,
                       AutoCloseable... owned) {
        this.description = description;
        this.durable = durable;
        this.attach = attach;
        this.owned = owned;
    }

    /** A fresh in-memory log, closed with this backend. */
    public static LogBackend inMemory() {
        InMemoryEventLog log = InMemoryEventLog.create();
        return new LogBackend("in-memory log", false, builder -> builder.eventLog(log), log);
    }

    /** An in-memory log the caller keeps open across several platforms (a restart within one process). */
    public static LogBackend inMemory(InMemoryEventLog sharedLog) {
        Objects.requireNonNull(sharedLog, "sharedLog");
        return new LogBackend("in-memory log", false, builder -> builder.eventLog(sharedLog));
    }

    /** A Kafka cluster that is already running. */
    public static LogBackend kafka(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        KafkaEventLog log = kafkaLog(bootstrapServers);
        return new LogBackend("Kafka at " + bootstrapServers, true, builder -> builder.eventLog(log), log);
    }

    /**
     * Starts a single-node Kafka broker in this process, keeping its data under {@code dataDir} so that a later start
     * on the same folder finds the same log.
     *
     * @param port the broker's port, or 0 for any free port
     */
    public static LogBackend embeddedKafka(Path dataDir, int port) {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, got " + port);
        }
        EmbeddedKafkaBroker.Builder brokerBuilder = EmbeddedKafkaBroker.builder().dataDir(dataDir);
        if (port != 0) {
            brokerBuilder.port(port);
        }
        EmbeddedKafkaBroker broker = brokerBuilder.build().start();
        try {
            KafkaEventLog log = kafkaLog(broker.bootstrapServers());
            return new LogBackend("embedded Kafka broker at " + broker.bootstrapServers() + ", data in " + dataDir,
                    true, builder -> builder.eventLog(log), log, broker);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private static KafkaEventLog kafkaLog(String bootstrapServers) {
        return KafkaEventLog.builder()
                .bootstrapServers(bootstrapServers)
                .clientIdPrefix("pos")
                // A member of a process that was killed holds its partitions this long; keep restarts quick.
                .sessionTimeout(Duration.ofSeconds(10))
                .build();
    }

    Tributary.Builder attachTo(Tributary.Builder builder) {
        return attach.apply(builder);
    }

    /** Whether the log outlives this process. */
    public boolean durable() {
        return durable;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the " + description + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
