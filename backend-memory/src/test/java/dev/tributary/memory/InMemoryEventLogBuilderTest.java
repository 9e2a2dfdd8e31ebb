package dev.tributary.memory;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryEventLogBuilderTest {

    @Test
    void the_defaults_are_kafkas() {
        try (InMemoryEventLog log = InMemoryEventLog.create()) {
            assertEquals(Duration.ofMinutes(5), log.maxPollInterval());
            assertEquals(500, log.maxPollRecords);
        }
    }

    @Test
    void a_max_poll_interval_out_of_range_is_refused_naming_it() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> InMemoryEventLog.builder().maxPollInterval(Duration.ZERO));
        assertTrue(zero.getMessage().contains("PT0S"), zero.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> InMemoryEventLog.builder().maxPollInterval(Duration.ofSeconds(-3)));
        assertTrue(negative.getMessage().contains("PT-3S"), negative.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> InMemoryEventLog.builder().maxPollInterval(Duration.ofDays(30)));
        assertTrue(huge.getMessage().contains("PT720H"), huge.getMessage());
        assertThrows(NullPointerException.class, () -> InMemoryEventLog.builder().maxPollInterval(null));
    }

    @Test
    void an_option_set_twice_is_refused_naming_the_first_value() {
        InMemoryEventLog.Builder builder = InMemoryEventLog.builder().maxPollInterval(Duration.ofSeconds(7));
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> builder.maxPollInterval(Duration.ofSeconds(8)));
        assertTrue(twice.getMessage().contains("already set to PT7S"), twice.getMessage());

        InMemoryEventLog.Builder records = InMemoryEventLog.builder().maxPollRecords(10);
        IllegalStateException recordsTwice = assertThrows(IllegalStateException.class, () -> records.maxPollRecords(10));
        assertTrue(recordsTwice.getMessage().contains("already set to 10"), recordsTwice.getMessage());

        InMemoryEventLog.Builder named = InMemoryEventLog.builder().name("first");
        IllegalStateException nameTwice = assertThrows(IllegalStateException.class, () -> named.name("second"));
        assertTrue(nameTwice.getMessage().contains("'first'"), nameTwice.getMessage());
    }

    @Test
    void bad_poll_record_counts_and_blank_names_are_refused_naming_them() {
        IllegalArgumentException records = assertThrows(IllegalArgumentException.class,
                () -> InMemoryEventLog.builder().maxPollRecords(0));
        assertTrue(records.getMessage().contains("got 0"), records.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> InMemoryEventLog.builder().name("  "));
        assertTrue(name.getMessage().contains("'  '"), name.getMessage());
    }

    @Test
    void the_options_set_are_the_options_used() {
        try (InMemoryEventLog log = InMemoryEventLog.builder().maxPollInterval(Duration.ofMillis(1500))
                .maxPollRecords(7).name("pos").build()) {
            assertEquals(Duration.ofMillis(1500), log.maxPollInterval());
            assertEquals(7, log.maxPollRecords);
            assertTrue(log.toString().contains("pos"), log.toString());
        }
    }
}
