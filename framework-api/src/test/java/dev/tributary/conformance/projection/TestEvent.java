package dev.tributary.conformance.projection;

/**
 * The payload the projection suites publish.
 *
 * @param id  unique per event
 * @param seq its position in what the test published
 * @param tag free text a test's handler may react to
 */
public record TestEvent(String id, int seq, String tag) {
}
