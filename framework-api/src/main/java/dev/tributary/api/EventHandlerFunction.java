package dev.tributary.api;

/**
 * Handles one event of an at-least-once or at-most-once projection. Called on the projection's worker thread, in
 * offset order within a partition. At-least-once may hand an event over again after a crash or a retry;
 * at-most-once may skip the events of a batch that was in flight during a crash.
 */
@FunctionalInterface
public interface EventHandlerFunction {

    void handle(Event event) throws Exception;
}
