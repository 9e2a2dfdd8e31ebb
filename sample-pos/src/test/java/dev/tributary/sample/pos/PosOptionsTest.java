package dev.tributary.sample.pos;

import dev.tributary.sample.pos.PosOptions.UsageException;
import dev.tributary.sample.pos.load.WorldRequest;
import dev.tributary.sample.pos.load.WorldSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PosOptionsTest {

    @Test
    void run_without_options_uses_the_embedded_broker_and_the_default_load() {
        PosOptions options = PosOptions.parse("run");

        assertEquals(PosOptions.Command.RUN, options.command());
        assertEquals(PosOptions.Backend.KAFKA, options.backend());
        assertEquals(Optional.empty(), options.bootstrapServers());
        assertEquals(Path.of("data/pos"), options.dataDir());
        assertEquals(500, options.load().salesPerSecond());
        assertEquals(Duration.ofSeconds(30), options.load().duration());
    }

    @Test
    void options_take_their_value_after_a_space_or_an_equals_sign() {
        PosOptions options = PosOptions.parse("run", "--shops", "20", "--tills=40", "--rate", "0", "--duration", "2m",
                "--backend", "memory");

        assertEquals(20, options.world().shops());
        assertEquals(40, options.world().tills());
        assertEquals(0, options.load().salesPerSecond());
        assertEquals(Duration.ofMinutes(2), options.load().duration());
        assertEquals(PosOptions.Backend.MEMORY, options.backend());
    }

    @Test
    void a_bad_number_is_refused_naming_the_option_and_the_value() {
        UsageException e = assertThrows(UsageException.class, () -> PosOptions.parse("run", "--shops", "many"));
        assertEquals("--shops must be a whole number, got 'many'", e.getMessage());
    }

    @Test
    void an_option_of_another_command_is_refused_naming_what_the_command_takes() {
        UsageException e = assertThrows(UsageException.class, () -> PosOptions.parse("stock", "--rate", "5"));
        assertEquals("option --rate does not apply to stock; it takes --backend, --data-dir, --item, --jdbc-url, --shop",
                e.getMessage());
    }

    @Test
    void the_memory_backend_refuses_kafka_options() {
        UsageException e = assertThrows(UsageException.class,
                () -> PosOptions.parse("run", "--backend", "memory", "--bootstrap-servers", "localhost:9092"));
        assertEquals("--backend memory uses no Kafka: drop --bootstrap-servers and --kafka-port", e.getMessage());
    }

    @Test
    void a_duration_needs_a_unit_it_knows() {
        assertEquals(Duration.ofMillis(500), PosOptions.duration("500ms"));
        assertEquals(Duration.ofSeconds(45), PosOptions.duration("45"));
        UsageException e = assertThrows(UsageException.class, () -> PosOptions.duration("3 weeks"));
        assertEquals("--duration must look like 500ms, 30s, 2m or 1h, got '3 weeks'", e.getMessage());
    }

    @Test
    void a_world_option_that_differs_from_the_stored_world_is_refused_naming_both_values() {
        WorldSpec stored = new WorldSpec(100, 1_000, 50, 8, 42);
        WorldRequest request = new WorldRequest(200, null, null, null, null);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> request.resolve(Optional.of(stored), "the database at jdbc:hsqldb:mem:x"));
        assertEquals("the database at jdbc:hsqldb:mem:x already holds a world of 100 shops, 1,000 tills, 50 items,"
                + " 8 partitions, seed 42; --shops 200 (stored: 100) differ from it: leave them out to continue that"
                + " world, or use another data folder or database", e.getMessage());
    }

    @Test
    void options_left_out_continue_the_stored_world() {
        WorldSpec stored = new WorldSpec(100, 1_000, 50, 8, 42);
        assertEquals(stored, WorldRequest.STORED_OR_DEFAULT.resolve(Optional.of(stored), "db"));
        assertEquals(new WorldSpec(20, 200, 50, 8, 42),
                new WorldRequest(20, null, null, null, null).resolve(Optional.empty(), "db"));
    }
}
