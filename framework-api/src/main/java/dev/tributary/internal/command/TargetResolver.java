package dev.tributary.internal.command;

import dev.tributary.api.NoHandlerForCommandException;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.ReflectionUtils;
import org.axonframework.common.annotation.AnnotationUtils;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.IdentifierMissingException;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;

/**
 * Finds a command's target aggregate id and version the way Axon's {@code AnnotationCommandTargetResolver} does
 * (annotated methods first, then fields, meta-annotations included), but looks the annotated members up once per
 * command class: it runs on every send, on the sender's thread. Thread-safe.
 */
final class TargetResolver implements CommandTargetResolver {

    private final ClassValue<Accessors> accessors = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            return new Accessors(Accessor.find(type, TargetAggregateIdentifier.class),
                    Accessor.find(type, TargetAggregateVersion.class));
        }
    };

    /**
     * The command's target aggregate id as text.
     *
     * @throws NoHandlerForCommandException naming the command type and the member if there is no annotated member
     *                                      or it holds {@code null}
     */
    String targetId(CommandMessage<?> command) {
        Class<?> type = command.getPayloadType();
        Accessor id = accessors.get(type).id();
        if (id == null) {
            throw new NoHandlerForCommandException("command " + type.getName()
                    + " names no target aggregate: annotate the field or method holding the aggregate id with"
                    + " @TargetAggregateIdentifier");
        }
        Object value = id.read(command.getPayload());
        if (value == null) {
            throw new NoHandlerForCommandException("command " + type.getName() + " has no target aggregate id: its "
                    + id.description() + " annotated @TargetAggregateIdentifier is null");
        }
        return value.toString();
    }

    /**
     * Axon's contract, for {@code AggregateAnnotationCommandHandler} on the writer thread: a missing id raises
     * {@link IdentifierMissingException}, which Axon's creation policies read as "the handler assigns the id".
     */
    @Override
    public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
        Accessors members = accessors.get(command.getPayloadType());
        Object id = members.id() == null ? null : members.id().read(command.getPayload());
        if (id == null) {
            throw new IdentifierMissingException("command " + command.getPayloadType().getName()
                    + " does not identify its target aggregate");
        }
        Object version = members.version() == null ? null : members.version().read(command.getPayload());
        return new VersionedAggregateIdentifier(id, asLong(version));
    }

    private static Long asLong(Object version) {
        if (version == null) {
            return null;
        }
        if (version instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(version.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the @TargetAggregateVersion value '" + version + "' is not a number", e);
        }
    }

    private record Accessors(Accessor id, Accessor version) {
    }

    private record Accessor(Member member) {

        static Accessor find(Class<?> type, Class<? extends Annotation> annotation) {
            for (Method m : ReflectionUtils.methodsOf(type)) {
                if (AnnotationUtils.isAnnotationPresent(m, annotation)) {
                    return new Accessor(ReflectionUtils.ensureAccessible(m));
                }
            }
            for (Field f : ReflectionUtils.fieldsOf(type)) {
                if (AnnotationUtils.isAnnotationPresent(f, annotation)) {
                    return new Accessor(ReflectionUtils.ensureAccessible(f));
                }
            }
            return null;
        }

        Object read(Object payload) {
            try {
                return member instanceof Method m ? m.invoke(payload) : ((Field) member).get(payload);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("the " + description() + " of command "
                        + payload.getClass().getName() + " threw while reading its target aggregate", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("cannot read the " + description() + " of command "
                        + payload.getClass().getName(), e);
            }
        }

        String description() {
            if (member instanceof Field) {
                return "field '" + member.getName() + "'";
            }
            // A record's annotated component surfaces as its accessor method; users wrote a component, not a method.
            return member.getDeclaringClass().isRecord() && ((Method) member).getParameterCount() == 0
                    ? "component '" + member.getName() + "'" : "method '" + member.getName() + "()'";
        }
    }
}
