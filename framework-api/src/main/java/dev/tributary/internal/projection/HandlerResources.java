package dev.tributary.internal.projection;

import dev.tributary.api.Emitter;
import dev.tributary.api.Event;
import jakarta.persistence.EntityManager;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.ParameterResolver;
import org.axonframework.messaging.annotation.ParameterResolverFactory;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.function.Function;

/**
 * Resolves the handler parameters Tributary supplies: {@link Event} always, {@link EntityManager} for exactly-once
 * projections, {@link Emitter} for processors. Values come from the {@link HandlerContext} bound to the thread.
 */
enum HandlerResources implements ParameterResolverFactory {
    /** At-least-once and at-most-once projections: the event only. */
    EVENT_ONLY(false, false),
    EXACTLY_ONCE(true, false),
    PROCESSOR(false, true);

    private final boolean entityManager;
    private final boolean emitter;

    HandlerResources(boolean entityManager, boolean emitter) {
        this.entityManager = entityManager;
        this.emitter = emitter;
    }

    @Override
    public ParameterResolver<?> createInstance(Executable executable, Parameter[] parameters, int index) {
        Class<?> type = parameters[index].getType();
        if (type == Event.class) {
            return new ContextResolver(HandlerContext::event);
        }
        if (entityManager && type == EntityManager.class) {
            return new ContextResolver(HandlerContext::entityManager);
        }
        if (emitter && type == Emitter.class) {
            return new ContextResolver(HandlerContext::emitter);
        }
        return null;
    }

    /** Why a parameter of this type is not resolved here, for the error that names it; empty if nothing to add. */
    String hintFor(Class<?> type) {
        if (type == EntityManager.class && !entityManager) {
            return ": only exactly-once projections (Projection.exactlyOnce(..)) are given an EntityManager";
        }
        if (type == Emitter.class && !emitter) {
            return ": only processors (Processor.named(..)) are given an Emitter";
        }
        return "";
    }

    private record ContextResolver(Function<HandlerContext, Object> value) implements ParameterResolver<Object> {

        @Override
        public Object resolveParameterValue(Message<?> message) {
            return value.apply(HandlerContext.current());
        }

        @Override
        public boolean matches(Message<?> message) {
            return true;
        }
    }
}
