package dev.tributary.api;

/** Turns one event into emitted events or commands. Called on the processor's worker thread, in offset order. */
@FunctionalInterface
public interface ProcessorFunction {

    void process(Event event, Emitter emitter) throws Exception;
}
