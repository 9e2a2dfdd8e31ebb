package dev.tributary.kafka;

import dev.tributary.api.StreamPartition;
import dev.tributary.spi.LogEntry;
import dev.tributary.spi.LogRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Translates between the log's types and Kafka's: a stream is a topic, a record keeps key, value, headers, time. */
final class KafkaRecords {

    private static final byte[] EMPTY = new byte[0];

    private KafkaRecords() {
    }

    static TopicPartition topicPartition(StreamPartition partition) {
        return new TopicPartition(partition.stream(), partition.partition());
    }

    static StreamPartition streamPartition(TopicPartition partition) {
        return new StreamPartition(partition.topic(), partition.partition());
    }

    static ProducerRecord<String, byte[]> toProducerRecord(TopicPartition partition, LogRecord record) {
        List<Header> headers = new ArrayList<>(record.headers().size());
        record.headers().forEach((name, value) -> headers.add(new RecordHeader(name, value)));
        return new ProducerRecord<>(partition.topic(), partition.partition(), record.timestamp().toEpochMilli(),
                record.key(), record.value(), headers);
    }

    static LogEntry toLogEntry(ConsumerRecord<String, byte[]> record) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            // Kafka allows repeated names; the log's model has one value per name, the last one written.
            headers.put(header.key(), header.value() == null ? EMPTY : header.value());
        }
        // A tombstone written by a producer outside Tributary has no value; the log's entries always have one.
        byte[] value = record.value() == null ? EMPTY : record.value();
        return new LogEntry(new StreamPartition(record.topic(), record.partition()), record.offset(), record.key(),
                value, headers, Instant.ofEpochMilli(record.timestamp()));
    }
}
