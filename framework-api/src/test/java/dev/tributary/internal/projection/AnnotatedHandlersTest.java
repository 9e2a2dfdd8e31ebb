package dev.tributary.internal.projection;

import dev.tributary.api.Emitter;
import dev.tributary.api.Event;
import dev.tributary.internal.EventCodec;
import jakarta.persistence.EntityManager;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AnnotatedHandlersTest {

    private final EventCodec codec = EventCodec.withDefaults(Clock.systemUTC());

    @Test
    void each_object_gets_the_event_in_its_most_specific_method() throws Exception {
        Animals first = new Animals();
        Animals second = new Animals();
        AnnotatedHandlers handlers = AnnotatedHandlers.inspect(new Object[]{first, second}, HandlerResources.EVENT_ONLY);

        dispatch(handlers, HandlerContext.plain(codec), new Dog("rex"));
        dispatch(handlers, HandlerContext.plain(codec), new Cat("tom"));

        assertEquals(List.of("dog rex", "animal tom"), first.seen);
        assertEquals(first.seen, second.seen);
    }

    @Test
    void an_event_no_method_accepts_is_ignored() throws Exception {
        Animals animals = new Animals();
        AnnotatedHandlers handlers = AnnotatedHandlers.inspect(new Object[]{animals}, HandlerResources.EVENT_ONLY);

        dispatch(handlers, HandlerContext.plain(codec), "not an animal");

        assertEquals(List.of(), animals.seen);
    }

    @Test
    void the_event_the_entity_manager_and_metadata_are_resolved_from_the_context() throws Exception {
        EntityManager em = stub(EntityManager.class);
        Resolving resolving = new Resolving();
        AnnotatedHandlers handlers = AnnotatedHandlers.inspect(new Object[]{resolving}, HandlerResources.EXACTLY_ONCE);
        Event event = event(new Dog("rex"));

        HandlerContext.withEntityManager(codec, em).dispatch(handlers, event);

        assertSame(event, resolving.event);
        assertSame(em, resolving.entityManager);
        assertEquals("test", resolving.source);
    }

    @Test
    void a_processor_method_is_given_the_emitter() throws Exception {
        Emitter emitter = stub(Emitter.class);
        Emitting emitting = new Emitting();
        AnnotatedHandlers handlers = AnnotatedHandlers.inspect(new Object[]{emitting}, HandlerResources.PROCESSOR);

        dispatch(handlers, HandlerContext.withEmitter(codec, emitter), new Dog("rex"));

        assertSame(emitter, emitting.emitter);
    }

    @Test
    void what_a_handler_method_throws_comes_out_unchanged() {
        AnnotatedHandlers handlers = AnnotatedHandlers.inspect(new Object[]{new Throwing()}, HandlerResources.EVENT_ONLY);

        IOException e = assertThrows(IOException.class,
                () -> dispatch(handlers, HandlerContext.plain(codec), new Dog("rex")));
        assertEquals("disk full", e.getMessage());
    }

    private void dispatch(AnnotatedHandlers handlers, HandlerContext context, Object payload) throws Exception {
        context.dispatch(handlers, event(payload));
    }

    private static Event event(Object payload) {
        return new Event("animals", 0, 7, "key", "message-1", payload.getClass().getName(), payload,
                Map.of("source", "test"), Instant.now(), null, null, -1);
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            throw new UnsupportedOperationException(method.getName());
        });
    }

    interface Animal {
        String name();
    }

    record Dog(String name) implements Animal {
    }

    record Cat(String name) implements Animal {
    }

    static final class Animals {
        final List<String> seen = new ArrayList<>();

        @EventHandler
        void on(Animal animal) {
            seen.add("animal " + animal.name());
        }

        @EventHandler
        void on(Dog dog) {
            seen.add("dog " + dog.name());
        }
    }

    static final class Resolving {
        Event event;
        EntityManager entityManager;
        String source;

        @EventHandler
        void on(Dog dog, Event event, EntityManager entityManager, @MetaDataValue("source") String source) {
            this.event = event;
            this.entityManager = entityManager;
            this.source = source;
        }
    }

    static final class Emitting {
        Emitter emitter;

        @EventHandler
        void on(Dog dog, Emitter emitter) {
            this.emitter = emitter;
        }
    }

    static final class Throwing {
        @EventHandler
        void on(Dog dog) throws IOException {
            throw new IOException("disk full");
        }
    }
}
