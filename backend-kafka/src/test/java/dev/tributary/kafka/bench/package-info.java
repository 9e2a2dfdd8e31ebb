/**
 * End-to-end benchmarks on a real Kafka broker: {@link dev.tributary.kafka.bench.KafkaBench} starts one
 * {@link dev.tributary.kafka.EmbeddedKafkaBroker} on 127.0.0.1, measures commands and an exactly-once projection
 * through it and the broker's memory, and stops it. Named unlike a test, so neither surefire nor failsafe runs it.
 *
 * <p>The load itself comes from {@code dev.tributary.bench} in framework-api's test-jar, so that both backends run
 * the same load. How to run, and the figures it printed, are in {@code docs/benchmarks.md}.
 */
package dev.tributary.kafka.bench;
