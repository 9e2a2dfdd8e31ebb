package dev.tributary.internal.projection;

import dev.tributary.api.Event;

/** Hands one event to the user's handler: a lambda, or the matching {@code @EventHandler} methods. */
@FunctionalInterface
interface EventDispatcher {

    void dispatch(Event event, HandlerContext context) throws Exception;
}
