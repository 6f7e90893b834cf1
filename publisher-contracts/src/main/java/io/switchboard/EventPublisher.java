package io.switchboard;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes domain events. This is what application modules inject.
 *
 * <p><b>Completion.</b> The returned future completes normally only once the driver's durability point is reached
 * (for a broker: its acknowledgement; for the in-memory driver: the event is in every matching group's buffer). It
 * completes exceptionally with a {@link SwitchboardException} otherwise; its {@link SwitchboardException#reason()}
 * says why. Invalid input (bad type, null data, unserializable or oversized payload) fails the future before anything
 * is sent. A {@link SwitchboardException.Reason#TIMEOUT TIMEOUT} is indeterminate: the event may still arrive, and
 * publishing it again with the same id is safe for idempotent consumers. There is never a success followed by loss.
 *
 * <p><b>Correlation.</b> An event published while a handler runs inherits the handled event's correlation id, and
 * its causation id is the handled event's id, unless the caller set them.
 *
 * <p><b>Threads.</b> Implementations are thread-safe. A publish may block the calling thread while the driver's
 * bounded buffers are full (backpressure), at most for the driver's block timeout (for the in-memory driver
 * {@code event.in-memory.block-timeout}); the publish timeout then bounds the wait for the acknowledgement.
 *
 * <p><b>Close.</b> {@link #close()} stops accepting publishes, flushes what was accepted (within the drain
 * timeout), stops consumers (in-flight handlers get the drain timeout; then they are cancelled and their events
 * left for redelivery), and only then releases connections. It is idempotent; publishing after it fails with
 * {@link SwitchboardException.Reason#CLOSED CLOSED}.
 */
public interface EventPublisher extends AutoCloseable {

    /** Publishes {@code event}; the future yields the event as sent (with correlation ids filled in). */
    <T> CompletableFuture<Event<T>> publish(Event<T> event);

    /** Publishes a new event of {@code type} with {@code data}, a fresh id and the current time. */
    default <T> CompletableFuture<Event<T>> publish(String type, T data) {
        final Event<T> event;
        try {
            event = Event.of(type, data);
        } catch (SwitchboardException e) {
            return CompletableFuture.failedFuture(e);
        }
        return publish(event);
    }

    /**
     * Publishes a batch. Every event is validated and encoded first: if any is invalid, nothing is sent and the
     * future fails with the problems as suppressed exceptions. Whether the sending itself is atomic is declared by
     * {@link Capabilities#batch()}; a batch longer than {@link Capabilities#maxBatchSize()} is sent as consecutive
     * parts of that size, each as declared. An empty list completes at once without touching the broker.
     */
    CompletableFuture<List<Event<?>>> publishAll(List<? extends Event<?>> events);

    @Override
    void close();
}
