package dev.tributary.kafka;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaEventLogBuilderTest {

    @Test
    void bootstrap_servers_are_required() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KafkaEventLog.builder().build());
        assertTrue(e.getMessage().contains("bootstrapServers"), e.getMessage());
    }

    @Test
    void malformed_bootstrap_servers_are_refused_by_value() {
        for (String bad : new String[] {"", "localhost", "127.0.0.1:", "a:1,,b:2", "host:port", "a b:9092"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KafkaEventLog.builder().bootstrapServers(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void an_option_set_twice_is_refused_naming_the_first_value() {
        KafkaEventLog.Builder builder = KafkaEventLog.builder().bootstrapServers("127.0.0.1:9092")
                .maxPollInterval(Duration.ofSeconds(7));

        IllegalStateException servers = assertThrows(IllegalStateException.class,
                () -> builder.bootstrapServers("127.0.0.1:9093"));
        IllegalStateException poll = assertThrows(IllegalStateException.class,
                () -> builder.maxPollInterval(Duration.ofSeconds(8)));

        assertEquals("bootstrapServers was already set to 127.0.0.1:9092", servers.getMessage());
        assertEquals("maxPollInterval was already set to PT7S", poll.getMessage());
    }

    @Test
    void numbers_and_durations_out_of_range_are_refused_by_name_and_value() {
        KafkaEventLog.Builder builder = KafkaEventLog.builder();

        assertMessage(assertThrows(IllegalArgumentException.class, () -> builder.replicationFactor(0)),
                "replicationFactor", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> builder.maxPollInterval(Duration.ZERO)),
                "maxPollInterval", "PT0S");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> builder.sessionTimeout(Duration.ofMillis(-5))),
                "sessionTimeout", "PT-0.005S");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> builder.transactionTimeout(Duration.ofDays(30))), "transactionTimeout", "PT720H");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> builder.clientIdPrefix("my app")),
                "clientIdPrefix", "'my app'");
    }

    @Test
    void pass_through_properties_may_not_override_what_the_guarantees_rely_on() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> KafkaEventLog.builder().kafkaProperties(Map.of("isolation.level", "read_uncommitted"))),
                "isolation.level");
        Properties transactional = new Properties();
        transactional.setProperty("transactional.id", "mine");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> KafkaEventLog.builder().kafkaProperties(transactional)), "transactional.id");
    }

    @Test
    void pass_through_properties_point_to_the_typed_option_where_there_is_one() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> KafkaEventLog.builder().kafkaProperties(Map.of("max.poll.interval.ms", 1000))),
                "max.poll.interval.ms", "maxPollInterval");
    }

    @Test
    void a_log_builds_without_reaching_the_cluster() {
        try (KafkaEventLog log = KafkaEventLog.builder()
                .bootstrapServers("127.0.0.1:9")
                .replicationFactor(3)
                .clientIdPrefix("orders-service")
                .kafkaProperties(Map.of("compression.type", "lz4"))
                .build()) {
            assertEquals("KafkaEventLog[127.0.0.1:9]", log.toString());
            assertEquals(new dev.tributary.spi.LogCapabilities(true, true), log.capabilities());
        }
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }
}
