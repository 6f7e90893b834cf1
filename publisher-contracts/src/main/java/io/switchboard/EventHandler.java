package io.switchboard;

/**
 * Handles one event. Returning normally acknowledges it; throwing anything (checked exceptions and {@link Error}s
 * included) is a failed attempt: it is retried with back-off and, once the attempts are used up, dead-lettered.
 * The current attempt and group are available from {@link DeliveryContext#current()}.
 *
 * @param <T> the type the event's data is converted to
 */
@FunctionalInterface
public interface EventHandler<T> {

    void handle(Event<T> event) throws Exception;
}
