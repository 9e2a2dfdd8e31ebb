package dev.tributary.internal.projection;

import dev.tributary.api.AtLeastOnceProjection;
import dev.tributary.api.Emitter;
import dev.tributary.api.ExactlyOnceProjection;
import dev.tributary.api.Guarantee;
import dev.tributary.api.Processor;
import dev.tributary.api.Projection;
import dev.tributary.api.RetryPolicy;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionBuildersTest {

    private static final EntityManagerFactory DATABASE = (EntityManagerFactory) Proxy.newProxyInstance(
            ProjectionBuildersTest.class.getClassLoader(), new Class<?>[]{EntityManagerFactory.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "isOpen" -> true;
                case "toString" -> "the-read-model";
                case "hashCode" -> 1;
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void a_second_value_for_an_option_is_refused_naming_the_first() {
        ExactlyOnceProjection.Builder builder = Projection.exactlyOnce("orders").streams("a").maxBatchSize(500)
                .maxBatchWait(Duration.ofMillis(5)).retry(RetryPolicy.DEFAULT).entityManagerFactory(DATABASE)
                .readModelReset(em -> { });

        assertMessage("maxBatchSize was already set to 500", () -> builder.maxBatchSize(10));
        assertMessage("maxBatchWait was already set to PT0.005S", () -> builder.maxBatchWait(Duration.ZERO));
        assertMessage("streams was already set to [a]", () -> builder.streams("b"));
        assertMessage("retry was already set to " + RetryPolicy.DEFAULT, () -> builder.retry(RetryPolicy.DEFAULT));
        assertMessage("entityManagerFactory was already set to the-read-model",
                () -> builder.entityManagerFactory(DATABASE));
        assertThrows(IllegalStateException.class, () -> builder.readModelReset(em -> { }));
    }

    @Test
    void bad_values_are_refused_naming_them() {
        AtLeastOnceProjection.Builder builder = Projection.atLeastOnce("orders");

        assertMessage("maxBatchSize must be >= 1, got 0", () -> builder.maxBatchSize(0));
        assertMessage("maxBatchWait must not be negative, got PT-0.001S", () -> builder.maxBatchWait(Duration.ofMillis(-1)));
        assertMessage("streams needs at least one stream name", builder::streams);
        assertContains("'no spaces'", () -> builder.streams("no spaces"));
        assertContains("stream 'a' was named twice", () -> builder.streams("a", "b", "a"));
        assertContains("group name 'bad group'", () -> Projection.atMostOnce("bad group"));
        assertThrows(NullPointerException.class, () -> builder.handler(null));
    }

    @Test
    void a_refused_value_leaves_the_option_unset() {
        AtLeastOnceProjection.Builder builder = Projection.atLeastOnce("orders");
        assertThrows(IllegalArgumentException.class, () -> builder.maxBatchSize(-5));

        builder.maxBatchSize(7);

        assertEquals(7, ((AtLeastOnceSpec) builder.streams("a").handler(e -> { }).build()).settings().maxBatchSize());
    }

    @Test
    void annotated_handlers_and_a_handler_lambda_exclude_each_other() {
        assertContains("eventHandlers(..) and handler(..) exclude each other",
                () -> Projection.atLeastOnce("orders").handler(e -> { }).eventHandlers(new Plain()));
        assertContains("already set by eventHandlers([Plain])",
                () -> Projection.atLeastOnce("orders").eventHandlers(new Plain()).handler(e -> { }));
    }

    @Test
    void build_names_what_is_missing() {
        assertMessage("at-least-once projection 'orders' needs streams(..)",
                () -> Projection.atLeastOnce("orders").handler(e -> { }).build());
        assertMessage("processor 'orders' needs eventHandlers(..) or handler(..)",
                () -> Processor.named("orders").streams("a").build());
        assertContains("needs entityManagerFactory(..)",
                () -> Projection.exactlyOnce("orders").streams("a").handler((e, em) -> { }).build());
    }

    @Test
    void defaults_are_a_batch_of_500_a_wait_of_20_ms_and_the_default_retry_policy() {
        ExactlyOnceSpec spec = (ExactlyOnceSpec) Projection.exactlyOnce("orders").streams("a", "b")
                .entityManagerFactory(DATABASE).handler((e, em) -> { }).build();

        assertEquals("orders", spec.group());
        assertEquals(Set.of("a", "b"), spec.streams());
        assertEquals(Guarantee.EXACTLY_ONCE, spec.guarantee());
        assertSame(DATABASE, spec.entityManagerFactory());
        assertEquals(new BatchSettings(500, Duration.ofMillis(20), RetryPolicy.DEFAULT), spec.settings());
    }

    @Test
    void each_builder_builds_its_guarantee() {
        assertEquals(Guarantee.AT_LEAST_ONCE, Projection.atLeastOnce("g").streams("a").handler(e -> { }).build().guarantee());
        assertEquals(Guarantee.AT_MOST_ONCE, Projection.atMostOnce("g").streams("a").handler(e -> { }).build().guarantee());
        Processor processor = Processor.named("g").streams("a").handler((e, emitter) -> { }).build();
        assertEquals(Set.of("a"), processor.streams());
        assertEquals(Guarantee.EXACTLY_ONCE, ((GroupSpec) processor).guarantee());
    }

    @Test
    void a_handler_method_with_a_parameter_nothing_resolves_is_refused_naming_the_method_and_the_type() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Projection.atLeastOnce("orders").eventHandlers(new Unresolvable()));

        assertTrue(e.getMessage().contains("Unresolvable.on(") && e.getMessage().contains("java.util.concurrent.Executor"),
                e.getMessage());
    }

    @Test
    void only_exactly_once_projections_are_given_an_entity_manager() {
        Projection.exactlyOnce("orders").eventHandlers(new WantsEntityManager());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Projection.atLeastOnce("orders").eventHandlers(new WantsEntityManager()));
        assertTrue(e.getMessage().contains("jakarta.persistence.EntityManager")
                && e.getMessage().contains("only exactly-once projections"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Processor.named("orders").eventHandlers(new WantsEntityManager()));
    }

    @Test
    void only_processors_are_given_an_emitter() {
        Processor.named("orders").eventHandlers(new WantsEmitter());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Projection.exactlyOnce("orders").eventHandlers(new WantsEmitter()));
        assertTrue(e.getMessage().contains("only processors"), e.getMessage());
    }

    @Test
    void an_object_without_event_handler_methods_is_refused_naming_its_class() {
        assertContains(Object.class.getName() + " has no @EventHandler method",
                () -> Projection.atLeastOnce("orders").eventHandlers(new Object()));
        assertMessage("eventHandlers needs at least one object with @EventHandler methods",
                () -> Projection.atLeastOnce("orders").eventHandlers());
    }

    private static void assertMessage(String expected, Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertEquals(expected, e.getMessage());
    }

    private static void assertContains(String expected, Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' does not contain '" + expected + "'");
    }

    record Payload(String value) {
    }

    static final class Plain {
        @EventHandler
        void on(Payload payload) {
        }
    }

    static final class Unresolvable {
        @EventHandler
        void on(Payload payload, Executor executor) {
        }
    }

    static final class WantsEntityManager {
        @EventHandler
        void on(Payload payload, EntityManager em) {
        }
    }

    static final class WantsEmitter {
        @EventHandler
        void on(Payload payload, Emitter emitter) {
        }
    }
}
