/**
 * The in-memory backend: {@link dev.tributary.memory.InMemoryEventLog}, a complete, thread-safe
 * {@link dev.tributary.spi.EventLog} that behaves like the Kafka backend, for tests and for single-process use.
 *
 * <p>Promises: {@code InMemoryEventLog} and its builder are the only public types; they pass the same conformance
 * suite as every other backend. Everything else here is package-private and may change at any time.
 */
package dev.tributary.memory;
