/**
 * Benchmarks of the in-memory log and of the runtime on it: JMH microbenchmarks of the log
 * ({@link dev.tributary.bench.InMemoryEventLogBenchmark}) and bench mains that print end-to-end figures
 * ({@link dev.tributary.bench.InMemoryCommandBench}, {@link dev.tributary.bench.InMemoryProjectionBench},
 * {@link dev.tributary.bench.InMemoryLogHeapBench}). They live with the tests to use the conformance test-jar, but
 * none is named like a test, so {@code mvn verify} never runs them. The load harness they share with the Kafka
 * benchmarks (command and projection load, latencies, summaries) is in this package in framework-api's test-jar.
 * How to run each, and the figures they printed,
 * are in {@code docs/benchmarks.md}.
 */
package dev.tributary.bench;
