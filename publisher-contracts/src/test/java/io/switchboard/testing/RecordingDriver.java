package io.switchboard.testing;

import io.switchboard.Capabilities;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A driver that talks to no broker: it records what is sent, answers sends as the test says, and hands each
 * subscription's {@link MessageHandler} to the test, which plays the broker by feeding it {@link InboundMessage}s.
 */
public final class RecordingDriver implements EventDriver {

    public static final String NAME = "recording";

    /** A subscription as the driver saw it. */
    public record Consumer(ConsumerSpec spec, MessageHandler handler, AtomicBoolean active) {

        /** One delivery, as a broker would make it. */
        public DeliveryOutcome deliver(byte[] payload, int attempt, Instant firstFailureAt) {
            return handler.handle(new InboundMessage(payload, spec.pattern().value(), attempt, firstFailureAt,
                    "msg-" + attempt));
        }

        public DeliveryOutcome deliver(byte[] payload) {
            return deliver(payload, 1, null);
        }
    }

    private final Capabilities capabilities;
    private final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    private final List<Consumer> consumers = new CopyOnWriteArrayList<>();
    /** What happened, in order: subscription and driver closes, for the tests of close order. */
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Runnable onFlush = () -> { };
    private volatile Function<OutboundMessage, CompletableFuture<Void>> onSend = m -> {
        sent.add(m);
        return CompletableFuture.completedFuture(null);
    };

    public RecordingDriver() {
        this(Capabilities.builder().delivery(Capabilities.Delivery.AT_LEAST_ONCE)
                .deadLettering(Capabilities.DeadLettering.LIBRARY).build());
    }

    public RecordingDriver(Capabilities capabilities) {
        this.capabilities = capabilities;
    }

    /** Replaces how sends are answered (throw, return null, a future that never completes...). */
    public RecordingDriver onSend(Function<OutboundMessage, CompletableFuture<Void>> behaviour) {
        this.onSend = behaviour;
        return this;
    }

    public List<OutboundMessage> sent() {
        return sent;
    }

    /** Calls of {@code send}, {@code sendBatch} and {@code subscribe}. */
    public int calls() {
        return calls.get();
    }

    public List<Consumer> consumers() {
        return consumers;
    }

    /** The most recent subscription. */
    public Consumer consumer() {
        return consumers.get(consumers.size() - 1);
    }

    public List<String> log() {
        return log;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        calls.incrementAndGet();
        return onSend.apply(message);
    }

    @Override
    public CompletableFuture<Void> sendBatch(List<OutboundMessage> messages) {
        calls.incrementAndGet();
        return EventDriver.super.sendBatch(messages);
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        calls.incrementAndGet();
        Consumer consumer = new Consumer(spec, handler, new AtomicBoolean(true));
        consumers.add(consumer);
        return new DriverSubscription() {
            @Override
            public boolean isActive() {
                return consumer.active().get();
            }

            @Override
            public void close() {
                if (consumer.active().compareAndSet(true, false)) {
                    log.add("closed " + spec.id());
                }
            }
        };
    }

    /** Runs {@code hook} whenever the core flushes this driver. */
    public RecordingDriver onFlush(Runnable hook) {
        this.onFlush = hook;
        return this;
    }

    @Override
    public void flush(Duration timeout) {
        onFlush.run();
    }

    @Override
    public void close(Duration drainTimeout) {
        log.add("closed driver");
    }
}
