package dev.tributary.kafka;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded broker's own lifecycle. It runs in the unit-test JVM, where no shared broker exists, so that this
 * machine never runs two brokers at once.
 */
class EmbeddedKafkaBrokerTest {

    @Test
    void a_broker_without_a_data_dir_serves_clients_and_deletes_its_data_on_close() {
        Path dataDir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            dataDir = broker.dataDir();
            assertTrue(Files.exists(dataDir.resolve("meta.properties")), "the directory was formatted");
            assertTrue(broker.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), broker.bootstrapServers());
            assertThrows(IllegalStateException.class, broker::start, "a broker starts once");

            try (KafkaEventLog log = KafkaEventLog.builder().bootstrapServers(broker.bootstrapServers()).build()) {
                log.createStream(StreamSpec.of("lifecycle", 1));
                StreamPartition partition = StreamPartition.of("lifecycle", 0);
                List<Long> offsets = log.append(partition, List.of(LogRecord.of("k", "v".getBytes(StandardCharsets.UTF_8))))
                        .join();
                List<LogEntry> entries = log.read(partition, 0, 10, Duration.ofSeconds(10));
                assertEquals(offsets.get(0), entries.get(0).offset());
            }
        }
        assertFalse(Files.exists(dataDir), "the temporary data directory is deleted on close");
    }
}
