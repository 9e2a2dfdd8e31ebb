/**
 * The log on Apache Kafka: {@link dev.tributary.kafka.KafkaEventLog} for applications, and
 * {@link dev.tributary.kafka.EmbeddedKafkaBroker}, a single-node broker inside the JVM, for tests and samples.
 *
 * <p>Both are built explicitly; nothing is discovered. Everything else in this package is an implementation detail.
 * Kafka client settings appear only here, as {@link dev.tributary.kafka.KafkaEventLog.Builder#kafkaProperties}.
 *
 * <p>Promises: source compatibility of the two public classes within a minor version.
 */
package dev.tributary.kafka;
