package io.switchboard;

/**
 * Subscribes handlers to event types.
 *
 * <p>A <b>group</b> subscription competes with the other members of its group: each event matching the pattern is
 * handled by one member of the group, and every group gets its own copy (fan-out). A group is identified by its name
 * and pattern, so two handlers in one group with different patterns are independent. Group subscriptions get the
 * driver's declared delivery guarantee (at-least-once for the queue drivers).
 *
 * <p>A <b>broadcast</b> subscription gets a copy of every matching event published while it is open, and no backlog.
 *
 * <p>Handlers run on the driver's threads, at most {@link SubscriptionRequest#maxConcurrency()} at a time per
 * subscription, never concurrently for one ordering key when the driver declares per-key ordering.
 */
public interface EventSubscriber {

    <T> Subscription subscribe(SubscriptionRequest<T> request);

    /** Subscribes {@code handler} to {@code pattern} as a member of {@code group}. */
    default <T> Subscription subscribe(String group, String pattern, Class<T> dataType, EventHandler<T> handler) {
        return subscribe(SubscriptionRequest.group(group, pattern, dataType, handler));
    }

    /** Subscribes {@code handler} to every event matching {@code pattern} while the subscription is open. */
    default <T> Subscription broadcast(String pattern, Class<T> dataType, EventHandler<T> handler) {
        return subscribe(SubscriptionRequest.broadcast(pattern, dataType, handler));
    }
}
