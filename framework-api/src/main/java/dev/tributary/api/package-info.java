/**
 * What users of Tributary touch: {@link dev.tributary.api.Tributary} for commands and events,
 * {@link dev.tributary.api.Projection} and {@link dev.tributary.api.Processor} for consumer groups, and the
 * records and exceptions they exchange.
 *
 * <p>Promises: source compatibility within a minor version, except for types marked {@link dev.tributary.api.Beta}.
 */
package dev.tributary.api;
