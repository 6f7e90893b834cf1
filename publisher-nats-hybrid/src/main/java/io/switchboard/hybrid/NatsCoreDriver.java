package io.switchboard.hybrid;

import io.nats.client.Connection;
import io.switchboard.Capabilities;
import io.switchboard.DeadLetter;
import io.switchboard.Health;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.hybrid.internal.NatsBroadcast;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hybrid driver's real-time leg on its own: NATS core, at-most-once. It is the same {@code NatsBroadcast} the
 * {@link HybridDriver} broadcasts through and its real-time subscriptions and live groups read, exposed as a driver
 * so that the compatibility kit can hold that leg to its own promises, and for plain-Java users who want NATS core
 * only. It is not an {@code EVENT_DRIVER} value: applications get NATS core through the hybrid.
 *
 * <ul>
 *   <li>Publish: subject {@code [prefix.]type}, the event id in {@code Nats-Msg-Id}. A publish succeeds once the
 *       client has the message for the server; NATS core answers nothing, so an event can still be lost after
 *       that. Not connected (down, reconnecting, closing): fails with {@code UNAVAILABLE}, nothing is buffered.</li>
 *   <li>Groups: a NATS queue group named after the group, so its members share the events and every group gets
 *       each one. Broadcast subscriptions: a plain subscription, every subscriber a copy.</li>
 *   <li>Retries and dead letters are carried out in this process: a retry is handed to the handler again after its
 *       back-off, an exhausted event is kept in {@link #deadLetters()} (memory only). All of it is lost with the
 *       process, as is anything published while no subscriber is connected.</li>
 * </ul>
 */
public final class NatsCoreDriver implements EventDriver {

    public static final String NAME = "nats-core";

    private final HybridDriverOptions options;
    private final NatsBroadcast nats;
    private final Capabilities capabilities;
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

    /**
     * Connects to {@code options.natsUrl()} now; with {@code startup=fail-fast} (the default) an unreachable server
     * fails here with {@code UNAVAILABLE}. The options' real-time patterns and live groups do not apply.
     */
    public NatsCoreDriver(HybridDriverOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.nats = new NatsBroadcast(options);
        this.capabilities = Capabilities.builder()
                .delivery(Capabilities.Delivery.AT_MOST_ONCE)
                .ordering(Capabilities.Ordering.NONE)
                .durability(Capabilities.Durability.NONE)
                .competingConsumers(true)
                .fanOutGroups(true)
                .lateGroupStart(Capabilities.LateGroupStart.LATEST)
                .deadLettering(Capabilities.DeadLettering.NONE)
                .batch(Capabilities.BatchMode.NONE, 1)
                .maxPayloadBytes(nats.maxEventPayload())
                .attemptCounter(true)
                .destinations(Capabilities.DestinationPolicy.AUTO_CREATE)
                .maxDeliveryLatency(Duration.ofMillis(500))
                .maxRedeliveryLatency(Duration.ofMillis(500))
                .build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    public HybridDriverOptions options() {
        return options;
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        if (!nats.isOpen()) {
            return CompletableFuture.failedFuture(SwitchboardException.closed("The NATS core driver"));
        }
        if (Thread.currentThread().isInterrupted()) {
            // Checked here because the NATS client drops a message published from an interrupted thread.
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.INTERRUPTED,
                    message.eventId(), message.type(), options.subject(message.type()),
                    "The publishing thread is interrupted; nothing was sent (the interrupt status is kept)", null));
        }
        String failure = nats.trySend(message);
        if (failure == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.UNAVAILABLE, message.eventId(),
                message.type(), options.subject(message.type()), "Not published on " + options.redactedUrl() + ": "
                        + failure + ". NATS core keeps nothing for later; publish again once it is connected", null));
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        if (!nats.isOpen()) {
            throw SwitchboardException.closed("The NATS core driver");
        }
        return nats.subscribe(spec, handler, spec.isBroadcast() ? null : spec.group(), id -> true,
                deadLetters::add);
    }

    /** Events dead-lettered by this driver's subscriptions, oldest first (kept in memory only). */
    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /**
     * Waits up to {@code timeout} for the server to have read every publish made before (a NATS flush) and for what
     * it sent this driver's subscriptions to be in their handlers' hands: closing a {@code Switchboard} flushes
     * before it closes the subscriptions, so what it accepted is delivered.
     */
    @Override
    public void flush(Duration timeout) {
        nats.awaitDelivered(timeout.isZero() ? Duration.ofMillis(1) : timeout);
    }

    @Override
    public List<Health> health() {
        return List.of(nats.health());
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == null) {
            return Optional.empty();
        }
        if (type.isInstance(this)) {
            return Optional.of(type.cast(this));
        }
        Connection c = nats.connection();
        return type.isInstance(c) ? Optional.of(type.cast(c)) : Optional.empty();
    }

    @Override
    public void close(Duration drainTimeout) {
        nats.close(drainTimeout);
    }

    @Override
    public String toString() {
        return "NatsCoreDriver[" + options + "]";
    }
}
