package dev.tributary.internal.projection;

import dev.tributary.api.Event;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.annotation.AnnotatedHandlerInspector;
import org.axonframework.messaging.annotation.ClasspathParameterResolverFactory;
import org.axonframework.messaging.annotation.MessageHandlerInterceptorMemberChain;
import org.axonframework.messaging.annotation.MessageHandlingMember;
import org.axonframework.messaging.annotation.MultiParameterResolverFactory;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.annotation.UnsupportedHandlerException;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Objects with Axon {@code @EventHandler} methods, inspected once with Axon's {@link AnnotatedHandlerInspector}: each
 * event goes to the most specific matching method of every object, through the object's
 * {@code @MessageHandlerInterceptor} methods if it has any. An event no method accepts is ignored.
 */
final class AnnotatedHandlers implements EventDispatcher {

    private static final String AXON_TEST_FIXTURE_RESOLVER = "org.axonframework.test.FixtureResourceParameterResolverFactory";

    private final List<Target> targets;

    private AnnotatedHandlers(List<Target> targets) {
        this.targets = targets;
    }

    /**
     * Inspects the handlers.
     *
     * @throws IllegalArgumentException naming the method and the parameter type if a parameter cannot be resolved,
     *                                  or naming the class if it has no {@code @EventHandler} method
     */
    static AnnotatedHandlers inspect(Object[] handlers, HandlerResources resources) {
        Objects.requireNonNull(handlers, "annotatedHandlers");
        if (handlers.length == 0) {
            throw new IllegalArgumentException("eventHandlers needs at least one object with @EventHandler methods");
        }
        List<Target> targets = new ArrayList<>();
        for (Object handler : handlers) {
            Objects.requireNonNull(handler, "an annotated handler");
            targets.add(target(handler, resources));
        }
        return new AnnotatedHandlers(List.copyOf(targets));
    }

    private static Target target(Object handler, HandlerResources resources) {
        Class<?> type = handler.getClass();
        // Ours first, so that Event, EntityManager and Emitter parameters are never offered to Axon's resolvers.
        List<ParameterResolverFactory> factories = new ArrayList<>();
        factories.add(resources);
        factories.addAll(axonFactories(type));
        ParameterResolverFactory factory = new MultiParameterResolverFactory(factories);
        AnnotatedHandlerInspector<Object> inspector;
        try {
            inspector = AnnotatedHandlerInspector.inspectType(type, factory);
        } catch (UnsupportedHandlerException e) {
            throw unresolvable(e, factory, resources);
        }
        List<MessageHandlingMember<? super Object>> members = inspector.getHandlers(type)
                .filter(m -> m.canHandleMessageType(EventMessage.class)
                        && m.annotationAttributes(EventHandler.class).isPresent())
                .toList();
        if (members.isEmpty()) {
            throw new IllegalArgumentException("event handler " + type.getName() + " has no @EventHandler method");
        }
        return new Target(handler, members, inspector.chainedInterceptor(type));
    }

    /**
     * Axon's resolvers found on the handler's class path, without axon-test's fixture resolver: it claims every
     * parameter (to fail only when an Axon test fixture runs), which would hide a parameter nothing resolves until
     * the first event instead of refusing it at build time.
     */
    private static List<ParameterResolverFactory> axonFactories(Class<?> type) {
        ParameterResolverFactory classpath = ClasspathParameterResolverFactory.forClass(type);
        if (!(classpath instanceof MultiParameterResolverFactory multi)) {
            return List.of(classpath);
        }
        return multi.getDelegates().stream()
                .filter(f -> !f.getClass().getName().equals(AXON_TEST_FIXTURE_RESOLVER))
                .toList();
    }

    private static IllegalArgumentException unresolvable(UnsupportedHandlerException e, ParameterResolverFactory factory,
                                                         HandlerResources resources) {
        if (e.getViolatingMethod() instanceof Executable method) {
            Parameter[] parameters = method.getParameters();
            for (int i = 0; i < parameters.length; i++) {
                if (factory.createInstance(method, parameters, i) == null) {
                    Class<?> type = parameters[i].getType();
                    return new IllegalArgumentException("handler method " + method.toGenericString()
                            + " has parameter " + i + " of type " + type.getName() + " that nothing resolves"
                            + resources.hintFor(type), e);
                }
            }
        }
        return new IllegalArgumentException(e.getMessage(), e);
    }

    @Override
    public void dispatch(Event event, HandlerContext context) throws Exception {
        EventMessage<?> message = context.message();
        for (Target target : targets) {
            for (MessageHandlingMember<? super Object> member : target.members) {
                if (member.canHandle(message)) {
                    target.interceptors.handle(message, target.handler, member);
                    break;
                }
            }
        }
    }

    private record Target(Object handler, List<MessageHandlingMember<? super Object>> members,
                          MessageHandlerInterceptorMemberChain<Object> interceptors) {
    }
}
