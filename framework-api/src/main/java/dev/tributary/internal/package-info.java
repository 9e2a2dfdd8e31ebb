/**
 * Tributary's runtime: the command side, projections, processors and the record codec. No promises: anything here
 * may change in any release. Users depend on {@code dev.tributary.api}, backends on {@code dev.tributary.spi}.
 */
package dev.tributary.internal;
