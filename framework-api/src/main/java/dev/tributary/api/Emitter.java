package dev.tributary.api;

import java.util.Map;

/**
 * Collects what a {@link Processor} emits for the events of one batch. Nothing is visible until the batch commits,
 * and then all of it is, together with the consumed offsets: each input yields its outputs once. Only valid inside
 * the handler call it was passed to.
 */
public interface Emitter {

    /** Emits an event onto a stream under a key (the key picks the partition). */
    void emit(String stream, String key, Object event);

    void emit(String stream, String key, Object event, Map<String, ?> metaData);

    /**
     * Sends a command to its aggregate: it is written to the aggregate's command stream in this transaction and
     * handled once by the owner of the aggregate's partition. Its result is not returned to the processor.
     */
    void send(Object command);

    void send(Object command, Map<String, ?> metaData);
}
