package dev.tributary.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedKafkaBrokerBuilderTest {

    @Test
    void a_port_outside_the_tcp_range_is_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedKafkaBroker.builder().port(70000));
        assertEquals("port must be between 1 and 65535, got 70000", e.getMessage());
    }

    @Test
    void a_data_dir_that_is_a_file_is_refused(@TempDir Path dir) throws IOException {
        Path file = Files.createFile(dir.resolve("not-a-dir"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedKafkaBroker.builder().dataDir(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void an_option_set_twice_is_refused(@TempDir Path dir) {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(19092).dataDir(dir);
        assertEquals("port was already set to 19092",
                assertThrows(IllegalStateException.class, () -> builder.port(19093)).getMessage());
        assertEquals("dataDir was already set to " + dir,
                assertThrows(IllegalStateException.class, () -> builder.dataDir(dir)).getMessage());
    }

    @Test
    void a_broker_that_was_not_started_has_no_address_and_closes_quietly() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        assertThrows(IllegalStateException.class, broker::bootstrapServers);
        broker.close();
        assertThrows(IllegalStateException.class, broker::start);
    }
}
