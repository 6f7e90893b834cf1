package io.switchboard.spi;

import io.switchboard.Capabilities;
import io.switchboard.Health;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The driver SPI: turns encoded events into broker calls, and broker deliveries into calls of a
 * {@link MessageHandler}. Everything above it (validation, encoding, correlation, idempotency, retry decisions,
 * dead-letter metadata, metrics) is done once by {@link io.switchboard.Switchboard}, so a driver stays small.
 *
 * <p>Failures go on one channel: the returned future. {@link io.switchboard.Switchboard} turns a driver that throws
 * or returns {@code null} into a failed future, and wraps foreign exceptions in a
 * {@link io.switchboard.SwitchboardException}; drivers should fail with a {@code SwitchboardException} carrying the
 * right reason themselves.
 */
public interface EventDriver extends AutoCloseable {

    /** The driver's name as selected by {@code EVENT_DRIVER}, e.g. {@code in-memory}. */
    String name();

    /** What this driver promises. Must be constant for the driver's lifetime. */
    Capabilities capabilities();

    /** Sends one event; completes at the driver's durability point. */
    CompletableFuture<Void> send(OutboundMessage message);

    /**
     * Sends a batch, as declared by {@link Capabilities#batch()}. The default sends each message and completes when
     * all are acknowledged, failing with the first failure (partial, like {@code PARTIAL_WITH_REPORT} without a
     * report); drivers with native batches override it.
     */
    default CompletableFuture<Void> sendBatch(List<OutboundMessage> messages) {
        CompletableFuture<?>[] sends = messages.stream().map(this::send).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sends);
    }

    /**
     * Starts consuming the events matching {@code spec}; every delivery is passed to {@code handler}, whose
     * {@link DeliveryOutcome} tells the driver to acknowledge, retry later, dead-letter or release it.
     */
    DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler);

    /** The native client or a driver-specific view, if this driver offers {@code type}; never {@code null}. */
    default <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /**
     * The state of each of the driver's components (connections, legs), for health checks. Must not block for
     * long: report what the client last knew. The default reports nothing.
     */
    default List<Health> health() {
        return List.of();
    }

    /**
     * Waits, at most {@code timeout}, until every send accepted so far has reached its durability point and, for a
     * driver that holds events in this process (in-memory), has been handed to the open subscriptions. Called by
     * {@link io.switchboard.Switchboard#close()} after publishing stopped and before subscriptions are closed, so
     * "accepted" means "delivered" wherever the driver can make it so. A send still in progress when the flush
     * starts must be included in it or fail; it must never complete successfully after the flush returned. The
     * default does nothing: a driver whose sends complete only at the broker's acknowledgement has nothing left to
     * flush.
     */
    default void flush(Duration timeout) {
    }

    /**
     * Flushes every accepted send, then releases connections. Subscriptions were already closed by the caller.
     * Idempotent.
     */
    void close(Duration drainTimeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(10));
    }
}
