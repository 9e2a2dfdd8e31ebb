package dev.tributary.conformance.projection;

/** A payload no handler of the suites accepts. */
public record OtherEvent(String id) {
}
