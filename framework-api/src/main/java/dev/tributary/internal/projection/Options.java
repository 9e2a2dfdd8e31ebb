package dev.tributary.internal.projection;

import dev.tributary.api.RetryPolicy;
import dev.tributary.api.StreamSpec;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The options every projection and processor builder shares. Each is checked as it is set, may be set once, and a
 * bad value is refused by name.
 */
final class Options {

    private static final Pattern LEGAL_GROUP = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    private final String group;
    private final String kind;
    private Set<String> streams;
    private EventDispatcher dispatcher;
    private String handlerOption;
    private Integer maxBatchSize;
    private Duration maxBatchWait;
    private RetryPolicy retry;

    Options(String group, String kind) {
        Objects.requireNonNull(group, "group");
        // The name travels into transactional ids, thread names and a VARCHAR(255) key, so it stays plain.
        if (!LEGAL_GROUP.matcher(group).matches()) {
            throw new IllegalArgumentException("group name '" + group
                    + "' is not legal: use 1 to 200 of the characters a-z A-Z 0-9 . _ -");
        }
        this.group = group;
        this.kind = kind;
    }

    String group() {
        return group;
    }

    void streams(String... names) {
        Objects.requireNonNull(names, "streams");
        if (streams != null) {
            throw new IllegalStateException("streams was already set to " + streams);
        }
        if (names.length == 0) {
            throw new IllegalArgumentException("streams needs at least one stream name");
        }
        Set<String> set = new LinkedHashSet<>();
        for (String name : names) {
            Objects.requireNonNull(name, "a stream name");
            new StreamSpec(name, 1); // refuses an illegal name, naming it
            if (!set.add(name)) {
                throw new IllegalArgumentException("stream '" + name + "' was named twice in " + Arrays.toString(names));
            }
        }
        streams = Set.copyOf(set);
    }

    void annotatedHandlers(Object[] handlers, HandlerResources resources) {
        checkNoHandlerYet("eventHandlers");
        dispatcher = AnnotatedHandlers.inspect(handlers, resources);
        handlerOption = "eventHandlers(" + Arrays.stream(handlers).map(h -> h.getClass().getSimpleName()).toList() + ")";
    }

    void handler(Object handler, EventDispatcher dispatcher) {
        Objects.requireNonNull(handler, "handler");
        checkNoHandlerYet("handler");
        this.dispatcher = dispatcher;
        handlerOption = "handler(..)";
    }

    private void checkNoHandlerYet(String option) {
        if (dispatcher != null) {
            throw new IllegalStateException(option + " cannot be set: the handler was already set by " + handlerOption
                    + "; eventHandlers(..) and handler(..) exclude each other");
        }
    }

    void maxBatchSize(int size) {
        if (maxBatchSize != null) {
            throw new IllegalStateException("maxBatchSize was already set to " + maxBatchSize);
        }
        if (size < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + size);
        }
        maxBatchSize = size;
    }

    void maxBatchWait(Duration wait) {
        Objects.requireNonNull(wait, "maxBatchWait");
        if (maxBatchWait != null) {
            throw new IllegalStateException("maxBatchWait was already set to " + maxBatchWait);
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("maxBatchWait must not be negative, got " + wait);
        }
        maxBatchWait = wait;
    }

    void retry(RetryPolicy policy) {
        Objects.requireNonNull(policy, "retry");
        if (retry != null) {
            throw new IllegalStateException("retry was already set to " + retry);
        }
        retry = policy;
    }

    /** Refuses a second value for a guarantee-specific option. */
    static void checkUnset(String option, Object current) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }

    /** The required options, checked at build time; names what is missing. */
    void checkComplete() {
        if (streams == null) {
            throw new IllegalStateException(kind + " '" + group + "' needs streams(..)");
        }
        if (dispatcher == null) {
            throw new IllegalStateException(kind + " '" + group + "' needs eventHandlers(..) or handler(..)");
        }
    }

    Set<String> streams() {
        return streams;
    }

    EventDispatcher dispatcher() {
        return dispatcher;
    }

    BatchSettings settings() {
        return new BatchSettings(maxBatchSize != null ? maxBatchSize : BatchSettings.DEFAULT_MAX_BATCH_SIZE,
                maxBatchWait != null ? maxBatchWait : BatchSettings.DEFAULT_MAX_BATCH_WAIT,
                retry != null ? retry : RetryPolicy.DEFAULT);
    }
}
