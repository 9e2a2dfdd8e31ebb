package dev.tributary.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validated options of a {@link KafkaEventLog}, and the client configurations derived from them. Keys in
 * {@link #RESERVED} are set here only: the log's guarantees depend on them.
 */
record KafkaOptions(String bootstrapServers, Optional<Short> replicationFactor, Duration maxPollInterval,
                    Duration sessionTimeout, Duration transactionTimeout, String clientIdPrefix,
                    Map<String, Object> expert) {

    static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);
    static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);
    static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_CLIENT_ID_PREFIX = "tributary";
    private static final int READER_FETCH_WAIT_MS = 50;

    /** Keys a pass-through setting may not override, because atomicity, visibility or fencing rely on them. */
    static final Set<String> RESERVED = Set.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, CommonClientConfigs.CLIENT_ID_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.ACKS_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    /** Keys with a typed option on the builder; the pass-through refuses them so that there is one way to say it. */
    static final Map<String, String> TYPED = Map.of(
            ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "maxPollInterval",
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "sessionTimeout",
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "transactionTimeout");

    KafkaOptions {
        expert = Map.copyOf(expert);
    }

    Map<String, Object> adminConfig(String role) {
        return common(role);
    }

    /** A transactional, idempotent producer; the transaction fences older producers with the same id. */
    Map<String, Object> producerConfig(String transactionalId, String role) {
        Map<String, Object> c = common(role);
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) transactionTimeout.toMillis());
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return c;
    }

    /** An assign-mode reader of committed records; it positions itself and commits nothing. */
    Map<String, Object> readerConfig(String role) {
        Map<String, Object> c = consumerBase(role);
        // Positions are always explicit: an out-of-range offset is handled by the caller, never by a silent jump.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // A pooled reader moves between partitions, and its fetch still waiting on the broker from the previous
        // read holds up the next one until it returns: wait briefly, and ask again while a read waits.
        c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, READER_FETCH_WAIT_MS);
        return c;
    }

    /** A member of a consumer group on the classic protocol with cooperative rebalancing. */
    Map<String, Object> memberConfig(String group, String role) {
        Map<String, Object> c = consumerBase(role);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval.toMillis());
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        // Kafka's advice: a third of the session, so that two lost heartbeats do not end the session.
        c.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                (int) Math.max(100, Math.min(3000, sessionTimeout.toMillis() / 3)));
        return c;
    }

    private Map<String, Object> consumerBase(String role) {
        Map<String, Object> c = common(role);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return c;
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> c = new HashMap<>(expert);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + role);
        return c;
    }
}
