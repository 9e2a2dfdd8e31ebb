package dev.tributary.kafka;

import dev.tributary.api.Projection;
import dev.tributary.api.ProjectionHandle;
import dev.tributary.api.Tributary;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.jpa.HibernatePersistenceConfiguration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An exactly-once projection member in a JVM of its own, for {@link ProjectionKillTest}: it counts every event into
 * table {@code seen} of the given database and runs until its process ends.
 *
 * <p>Arguments: bootstrap servers, JDBC URL, stream, group, marker file, and the number of events after which it
 * writes the marker file and then holds the batch in flight open, so that a SIGKILL lands in the middle of a batch
 * (0: never).
 */
public final class ProjectionMemberProcess {

    /** An event of the kill test's stream. */
    public record Tick(long seq) {
    }

    private ProjectionMemberProcess() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrapServers = args[0];
        String jdbcUrl = args[1];
        String stream = args[2];
        String group = args[3];
        Path marker = Path.of(args[4]);
        long markAfter = Long.parseLong(args[5]);
        AtomicLong handled = new AtomicLong();

        EntityManagerFactory database = new HibernatePersistenceConfiguration("kill-test")
                .jdbcUrl(jdbcUrl)
                .jdbcCredentials("SA", "")
                .createEntityManagerFactory();
        KafkaEventLog log = KafkaEventLog.builder()
                .bootstrapServers(bootstrapServers)
                .sessionTimeout(Duration.ofSeconds(3))
                .maxPollInterval(Duration.ofSeconds(20))
                .clientIdPrefix("kill-test")
                .build();
        Tributary tributary = Tributary.builder().eventLog(log).build();
        ProjectionHandle handle = tributary.start(Projection.exactlyOnce(group)
                .streams(stream)
                .entityManagerFactory(database)
                .maxBatchSize(500)
                .handler((event, em) -> {
                    em.createNativeQuery("INSERT INTO seen (seq, stream_partition, log_offset) VALUES (?1, ?2, ?3)")
                            .setParameter(1, event.payload(Tick.class).seq())
                            .setParameter(2, event.partition())
                            .setParameter(3, event.offset())
                            .executeUpdate();
                    if (handled.incrementAndGet() == markAfter) {
                        // The insert above is part of a transaction that is still open: tell the test to kill now.
                        Files.writeString(marker, "in batch at " + event.streamPartition() + "@" + event.offset());
                        Thread.sleep(Duration.ofMinutes(2).toMillis());
                    }
                })
                .build());
        System.out.println("started member " + handle.memberId() + " of group " + group);
        // Runs until the test kills the process; an orderly end (stdin closed) leaves the group cleanly.
        ChildJvm.awaitEndOfInput();
        tributary.close();
        log.close();
        database.close();
    }
}
