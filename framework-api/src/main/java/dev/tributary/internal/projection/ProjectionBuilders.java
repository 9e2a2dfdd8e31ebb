package dev.tributary.internal.projection;

import dev.tributary.api.AtLeastOnceProjection;
import dev.tributary.api.AtMostOnceProjection;
import dev.tributary.api.EventHandlerFunction;
import dev.tributary.api.ExactlyOnceHandler;
import dev.tributary.api.ExactlyOnceProjection;
import dev.tributary.api.Processor;
import dev.tributary.api.ProcessorFunction;
import dev.tributary.api.RetryPolicy;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The builders behind {@code Projection.exactlyOnce(..)}, {@code atLeastOnce(..)}, {@code atMostOnce(..)} and
 * {@code Processor.named(..)}. Annotated handlers are inspected when they are set, so a parameter nothing resolves
 * fails there, naming the method and the type.
 */
public final class ProjectionBuilders {

    private ProjectionBuilders() {
    }

    public static ExactlyOnceProjection.Builder exactlyOnce(String group) {
        return new ExactlyOnceBuilder(new Options(group, "exactly-once projection"));
    }

    public static AtLeastOnceProjection.Builder atLeastOnce(String group) {
        return new AtLeastOnceBuilder(new Options(group, "at-least-once projection"));
    }

    public static AtMostOnceProjection.Builder atMostOnce(String group) {
        return new AtMostOnceBuilder(new Options(group, "at-most-once projection"));
    }

    public static Processor.Builder processor(String group) {
        return new ProcessorBuilder(new Options(group, "processor"));
    }

    private static final class ExactlyOnceBuilder implements ExactlyOnceProjection.Builder {
        private final Options options;
        private EntityManagerFactory entityManagerFactory;
        private Consumer<EntityManager> readModelReset;

        ExactlyOnceBuilder(Options options) {
            this.options = options;
        }

        @Override
        public ExactlyOnceProjection.Builder streams(String... streams) {
            options.streams(streams);
            return this;
        }

        @Override
        public ExactlyOnceProjection.Builder eventHandlers(Object... annotatedHandlers) {
            options.annotatedHandlers(annotatedHandlers, HandlerResources.EXACTLY_ONCE);
            return this;
        }

        @Override
        public ExactlyOnceProjection.Builder handler(ExactlyOnceHandler handler) {
            options.handler(handler, (event, context) -> handler.handle(event, context.entityManager()));
            return this;
        }

        @Override
        public ExactlyOnceProjection.Builder entityManagerFactory(EntityManagerFactory factory) {
            Objects.requireNonNull(factory, "entityManagerFactory");
            Options.checkUnset("entityManagerFactory", entityManagerFactory);
            if (!factory.isOpen()) {
                throw new IllegalArgumentException("entityManagerFactory " + factory + " is closed");
            }
            entityManagerFactory = factory;
            return this;
        }

        @Override
        public ExactlyOnceProjection.Builder maxBatchSize(int maxBatchSize) {
            options.maxBatchSize(maxBatchSize);
            return this;
        }

        @Override
        public ExactlyOnceProjection.Builder maxBatchWait(Duration maxBatchWait) {
            options.maxBatchWait(maxBatchWait);
            return this;
        }

        @Override
        public ExactlyOnceProjection.Builder retry(RetryPolicy retryPolicy) {
            options.retry(retryPolicy);
            return this;
        }

        @Override
        public ExactlyOnceProjection.Builder readModelReset(Consumer<EntityManager> reset) {
            Objects.requireNonNull(reset, "readModelReset");
            Options.checkUnset("readModelReset", readModelReset);
            readModelReset = reset;
            return this;
        }

        @Override
        public ExactlyOnceProjection build() {
            options.checkComplete();
            if (entityManagerFactory == null) {
                throw new IllegalStateException("exactly-once projection '" + options.group()
                        + "' needs entityManagerFactory(..): its offsets live in the read-model database");
            }
            return new ExactlyOnceSpec(options.group(), options.streams(), options.dispatcher(), options.settings(),
                    entityManagerFactory, readModelReset != null ? readModelReset : em -> { });
        }
    }

    private static final class AtLeastOnceBuilder implements AtLeastOnceProjection.Builder {
        private final Options options;
        private Runnable readModelReset;

        AtLeastOnceBuilder(Options options) {
            this.options = options;
        }

        @Override
        public AtLeastOnceProjection.Builder streams(String... streams) {
            options.streams(streams);
            return this;
        }

        @Override
        public AtLeastOnceProjection.Builder eventHandlers(Object... annotatedHandlers) {
            options.annotatedHandlers(annotatedHandlers, HandlerResources.EVENT_ONLY);
            return this;
        }

        @Override
        public AtLeastOnceProjection.Builder handler(EventHandlerFunction handler) {
            options.handler(handler, (event, context) -> handler.handle(event));
            return this;
        }

        @Override
        public AtLeastOnceProjection.Builder maxBatchSize(int maxBatchSize) {
            options.maxBatchSize(maxBatchSize);
            return this;
        }

        @Override
        public AtLeastOnceProjection.Builder maxBatchWait(Duration maxBatchWait) {
            options.maxBatchWait(maxBatchWait);
            return this;
        }

        @Override
        public AtLeastOnceProjection.Builder retry(RetryPolicy retryPolicy) {
            options.retry(retryPolicy);
            return this;
        }

        @Override
        public AtLeastOnceProjection.Builder readModelReset(Runnable reset) {
            Objects.requireNonNull(reset, "readModelReset");
            Options.checkUnset("readModelReset", readModelReset);
            readModelReset = reset;
            return this;
        }

        @Override
        public AtLeastOnceProjection build() {
            options.checkComplete();
            return new AtLeastOnceSpec(options.group(), options.streams(), options.dispatcher(), options.settings(),
                    readModelReset != null ? readModelReset : () -> { });
        }
    }

    private static final class AtMostOnceBuilder implements AtMostOnceProjection.Builder {
        private final Options options;
        private Runnable readModelReset;

        AtMostOnceBuilder(Options options) {
            this.options = options;
        }

        @Override
        public AtMostOnceProjection.Builder streams(String... streams) {
            options.streams(streams);
            return this;
        }

        @Override
        public AtMostOnceProjection.Builder eventHandlers(Object... annotatedHandlers) {
            options.annotatedHandlers(annotatedHandlers, HandlerResources.EVENT_ONLY);
            return this;
        }

        @Override
        public AtMostOnceProjection.Builder handler(EventHandlerFunction handler) {
            options.handler(handler, (event, context) -> handler.handle(event));
            return this;
        }

        @Override
        public AtMostOnceProjection.Builder maxBatchSize(int maxBatchSize) {
            options.maxBatchSize(maxBatchSize);
            return this;
        }

        @Override
        public AtMostOnceProjection.Builder maxBatchWait(Duration maxBatchWait) {
            options.maxBatchWait(maxBatchWait);
            return this;
        }

        @Override
        public AtMostOnceProjection.Builder retry(RetryPolicy retryPolicy) {
            options.retry(retryPolicy);
            return this;
        }

        @Override
        public AtMostOnceProjection.Builder readModelReset(Runnable reset) {
            Objects.requireNonNull(reset, "readModelReset");
            Options.checkUnset("readModelReset", readModelReset);
            readModelReset = reset;
            return this;
        }

        @Override
        public AtMostOnceProjection build() {
            options.checkComplete();
            return new AtMostOnceSpec(options.group(), options.streams(), options.dispatcher(), options.settings(),
                    readModelReset != null ? readModelReset : () -> { });
        }
    }

    private static final class ProcessorBuilder implements Processor.Builder {
        private final Options options;

        ProcessorBuilder(Options options) {
            this.options = options;
        }

        @Override
        public Processor.Builder streams(String... streams) {
            options.streams(streams);
            return this;
        }

        @Override
        public Processor.Builder eventHandlers(Object... annotatedHandlers) {
            options.annotatedHandlers(annotatedHandlers, HandlerResources.PROCESSOR);
            return this;
        }

        @Override
        public Processor.Builder handler(ProcessorFunction handler) {
            options.handler(handler, (event, context) -> handler.process(event, context.emitter()));
            return this;
        }

        @Override
        public Processor.Builder maxBatchSize(int maxBatchSize) {
            options.maxBatchSize(maxBatchSize);
            return this;
        }

        @Override
        public Processor.Builder maxBatchWait(Duration maxBatchWait) {
            options.maxBatchWait(maxBatchWait);
            return this;
        }

        @Override
        public Processor.Builder retry(RetryPolicy retryPolicy) {
            options.retry(retryPolicy);
            return this;
        }

        @Override
        public Processor build() {
            options.checkComplete();
            return new ProcessorSpec(options.group(), options.streams(), options.dispatcher(), options.settings());
        }
    }
}
