package dev.tributary.internal.projection;

import dev.tributary.api.Emitter;
import dev.tributary.api.Event;
import dev.tributary.internal.EventCodec;
import jakarta.persistence.EntityManager;
import org.axonframework.eventhandling.EventMessage;

/**
 * What a handler may be given besides the event: the batch's {@link EntityManager} (exactly-once projections) or
 * {@link Emitter} (processors). While an event is dispatched, its context is bound to the worker thread, because
 * Axon's parameter resolvers see only the message.
 */
final class HandlerContext {

    private static final ThreadLocal<HandlerContext> CURRENT = new ThreadLocal<>();

    private final EventCodec codec;
    private final EntityManager entityManager;
    private final Emitter emitter;
    private Event event;
    private EventMessage<?> message;

    private HandlerContext(EventCodec codec, EntityManager entityManager, Emitter emitter) {
        this.codec = codec;
        this.entityManager = entityManager;
        this.emitter = emitter;
    }

    static HandlerContext plain(EventCodec codec) {
        return new HandlerContext(codec, null, null);
    }

    static HandlerContext withEntityManager(EventCodec codec, EntityManager entityManager) {
        return new HandlerContext(codec, entityManager, null);
    }

    static HandlerContext withEmitter(EventCodec codec, Emitter emitter) {
        return new HandlerContext(codec, null, emitter);
    }

    /** The context of the event being dispatched on this thread. */
    static HandlerContext current() {
        HandlerContext context = CURRENT.get();
        if (context == null) {
            throw new IllegalStateException("no event is being handled on thread '" + Thread.currentThread().getName() + "'");
        }
        return context;
    }

    void dispatch(EventDispatcher dispatcher, Event event) throws Exception {
        this.event = event;
        this.message = null;
        CURRENT.set(this);
        try {
            dispatcher.dispatch(event, this);
        } finally {
            CURRENT.remove();
            this.event = null;
            this.message = null;
        }
    }

    Event event() {
        return event;
    }

    /** The event as an Axon message, made once per event and only if an annotated handler asks. */
    EventMessage<?> message() {
        if (message == null) {
            message = codec.toEventMessage(event);
        }
        return message;
    }

    EntityManager entityManager() {
        if (entityManager == null) {
            throw new IllegalStateException("only exactly-once projections are given an EntityManager");
        }
        return entityManager;
    }

    Emitter emitter() {
        if (emitter == null) {
            throw new IllegalStateException("only processors are given an Emitter");
        }
        return emitter;
    }
}
