package dev.tributary.kafka;

import dev.tributary.api.StreamPartition;
import dev.tributary.api.StreamSpec;
import dev.tributary.internal.EventCodec;
import dev.tributary.spi.LogRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.extensions.kafka.eventhandling.DefaultKafkaMessageConverter;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Tributary's streams are plain Kafka topics: a consumer that knows nothing of Tributary reads them, and the Axon
 * Kafka extension's converter turns their records into Axon event messages, headers included.
 */
@KafkaTest
class AxonKafkaInteroperabilityTest {

    /** A published event as an application would define it. */
    public record PriceTicked(String symbol, long cents) {
    }

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00.123Z");

    private final EventCodec codec = EventCodec.withDefaults(Clock.fixed(NOW, ZoneOffset.UTC));
    private KafkaEventLog log;
    private StreamPartition partition;
    private LogRecord written;

    @BeforeEach
    void publishAnEventThroughTributary() {
        log = KafkaEventLog.builder().bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
        StreamSpec stream = StreamSpec.of("prices-" + UUID.randomUUID().toString().substring(0, 8), 3);
        log.createStream(stream);
        written = codec.encodeEvent("ACME", new PriceTicked("ACME", 12_345), Map.of("source", "feed-7"));
        partition = log.partitionFor(stream.name(), "ACME");
        log.append(partition, List.of(written)).join();
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void a_plain_kafka_consumer_reads_key_value_headers_and_timestamp_of_a_tributary_record() {
        ConsumerRecord<String, byte[]> record = readWithPlainConsumer();

        assertEquals("ACME", record.key());
        assertEquals("{\"symbol\":\"ACME\",\"cents\":12345}", new String(record.value(), StandardCharsets.UTF_8));
        assertEquals(NOW.toEpochMilli(), record.timestamp());
        assertEquals(written.headers().keySet(), headerNames(record));
        assertEquals(PriceTicked.class.getName(), header(record, "axon-message-type"));
        assertEquals("feed-7", header(record, "axon-metadata-source"));
        assertEquals(NOW.toEpochMilli(),
                ByteBuffer.wrap(record.headers().lastHeader("axon-message-timestamp").value()).getLong());
        for (Header h : record.headers()) {
            assertArrayEquals(written.headers().get(h.key()), h.value(), "header " + h.key());
        }
    }

    @Test
    void the_axon_kafka_extension_converter_reads_a_tributary_record_as_an_event_message() {
        ConsumerRecord<String, byte[]> record = readWithPlainConsumer();
        DefaultKafkaMessageConverter converter = DefaultKafkaMessageConverter.builder()
                .serializer(JacksonSerializer.defaultSerializer())
                .build();

        Optional<EventMessage<?>> message = converter.readKafkaMessage(record);

        assertTrue(message.isPresent(), "the converter accepts the record");
        EventMessage<?> event = message.get();
        assertEquals(new PriceTicked("ACME", 12_345), event.getPayload());
        assertEquals(header(record, "axon-message-id"), event.getIdentifier());
        assertEquals(NOW, event.getTimestamp());
        assertEquals("feed-7", event.getMetaData().get("source"));
    }

    private ConsumerRecord<String, byte[]> readWithPlainConsumer() {
        TopicPartition tp = new TopicPartition(partition.stream(), partition.partition());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                List<ConsumerRecord<String, byte[]>> records = consumer.poll(Duration.ofMillis(200)).records(tp);
                if (!records.isEmpty()) {
                    assertEquals(1, records.size(), "exactly the one record Tributary wrote");
                    return records.get(0);
                }
            }
            return fail("the record did not reach a plain consumer within 30 s");
        }
    }

    private static java.util.Set<String> headerNames(ConsumerRecord<String, byte[]> record) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        record.headers().forEach(h -> names.add(h.key()));
        return names;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
