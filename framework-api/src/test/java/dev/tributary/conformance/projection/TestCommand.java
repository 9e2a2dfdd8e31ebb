package dev.tributary.conformance.projection;

/**
 * A command a processor sends; the suites' stub router writes it to {@code stream} under key {@code target}.
 *
 * @param stream  the command stream it travels on
 * @param target  the target aggregate id, its key
 * @param inputId the id of the event that caused it
 */
public record TestCommand(String stream, String target, String inputId) {
}
