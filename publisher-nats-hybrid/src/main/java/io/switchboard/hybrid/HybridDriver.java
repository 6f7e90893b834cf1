package io.switchboard.hybrid;

import io.switchboard.Capabilities;
import io.switchboard.DeadLetter;
import io.switchboard.DriverSelection;
import io.switchboard.Health;
import io.switchboard.SwitchboardException;
import io.switchboard.hybrid.internal.JetStreamQueue;
import io.switchboard.hybrid.internal.NatsBroadcast;
import io.switchboard.hybrid.internal.PendingQueueLeg;
import io.switchboard.hybrid.internal.RealTimeRouting;
import io.switchboard.hybrid.internal.RecentIdFilter;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventCodec;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The default driver ({@code EVENT_DRIVER} unset or {@code hybrid}): every event goes to a reliable queue leg (any
 * at-least-once {@link EventDriver}: Redis Streams by default, NATS JetStream, or another); events of real-time types
 * (the configured patterns, or data classes marked {@link io.switchboard.RealTime}) are also broadcast on NATS core
 * once the queue leg has acknowledged them.
 *
 * <p><b>Subscriptions.</b> Group subscriptions read the queue leg (at-least-once, its retries and dead letters),
 * except groups listed in {@link HybridDriverOptions#liveGroups()}, which read NATS in a queue group (load-balanced
 * live consumers, at-most-once). A broadcast subscription reads NATS; when its pattern also matches types that are
 * not real-time by the configured patterns, it reads the queue leg's broadcast too, and a copy arriving by both legs
 * is handled once.
 *
 * <p><b>Degraded modes.</b> Broadcast leg down: the publish succeeds (the event is in the queue leg), the miss is
 * counted ({@link #broadcastMisses()}) and logged. Queue leg down: the publish fails with the leg's reason
 * ({@code UNAVAILABLE}, {@code TIMEOUT}...) and nothing is broadcast, so a failed publish is never delivered. Both
 * down: fails. {@link #health()} reports each leg. With {@code event.hybrid.startup=degraded}, a queue leg that
 * cannot be built at start-up (broker unreachable) is built in the background when the driver comes from
 * {@link HybridDriverProvider} or Spring: publishes fail with {@code UNAVAILABLE} until then, and group subscriptions
 * registered meanwhile are attached when it exists.
 *
 * <p>The driver owns its queue leg: closing it closes the leg.
 */
public final class HybridDriver implements EventDriver {

    private static final System.Logger LOG = System.getLogger(HybridDriver.class.getName());

    private final HybridDriverOptions options;
    private final EventDriver queueLeg;
    private final NatsBroadcast broadcast;
    private final RealTimeRouting routing;
    private final Capabilities capabilities;
    private final EventCodec codec;
    private final List<DeadLetter> broadcastDeadLetters = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The last queue-leg send failure that says the leg is unreachable, or null after a success. */
    private final AtomicReference<String> queueLegFailure = new AtomicReference<>();

    /**
     * A hybrid driver over {@code queueLeg}, which must declare at-least-once delivery. Connects to NATS now: with
     * {@code startup=fail-fast} an unreachable server fails here with {@code UNAVAILABLE} (and the leg is closed).
     */
    public HybridDriver(HybridDriverOptions options, EventDriver queueLeg) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.queueLeg = java.util.Objects.requireNonNull(queueLeg, "queueLeg");
        Capabilities leg = queueLeg.capabilities();
        if (leg == null || leg.delivery() != Capabilities.Delivery.AT_LEAST_ONCE) {
            queueLeg.close(Duration.ZERO);
            throw SwitchboardException.configuration("The hybrid driver's queue leg must be at-least-once; driver '"
                    + queueLeg.name() + "' declares " + (leg == null ? "nothing" : leg.delivery()) + ". Use "
                    + HybridDriverOptions.QUEUE + "=redis (streams mode) or jetstream");
        }
        if (queueLeg instanceof PendingQueueLeg pendingLeg) {
            // Publishes failed while the leg was being built; its health is judged afresh once it exists.
            pendingLeg.onReady(() -> queueLegFailure.set(null));
        }
        this.routing = new RealTimeRouting(options.realTime());
        this.codec = EventCodec.load();
        try {
            this.broadcast = new NatsBroadcast(options);
        } catch (RuntimeException e) {
            queueLeg.close(Duration.ZERO);
            throw e;
        }
        this.capabilities = leg.toBuilder()
                .maxPayloadBytes(Math.min(leg.maxPayloadBytes(), broadcast.maxEventPayload()))
                .build();
        LOG.log(System.Logger.Level.INFO, "Hybrid driver: queue leg {0}, broadcast leg {1}", queueLeg.name(),
                options);
    }

    /** A hybrid driver whose queue leg is NATS JetStream ({@code event.hybrid.queue=jetstream}). */
    public static HybridDriver withJetStream(HybridDriverOptions options, JetStreamOptions jetStream) {
        return new HybridDriver(options, new JetStreamQueue(options, jetStream));
    }

    @Override
    public String name() {
        return DriverSelection.HYBRID;
    }

    /** The queue leg's promises (group subscriptions read it), with the smaller of both legs' payload limits. */
    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    public HybridDriverOptions options() {
        return options;
    }

    /** The queue leg this driver composes (while a degraded start-up is still building it, a placeholder). */
    public EventDriver queueLeg() {
        if (queueLeg instanceof PendingQueueLeg pendingLeg) {
            return pendingLeg.current();
        }
        return queueLeg;
    }

    /** Real-time events that could not be broadcast (broadcast leg down); each is in the queue leg. */
    public long broadcastMisses() {
        return broadcast.missedCount();
    }

    /** Real-time events broadcast on NATS. */
    public long broadcasts() {
        return broadcast.sentCount();
    }

    /** Events dead-lettered by broadcast (at-most-once) subscriptions, kept in memory; group subscriptions use the leg's. */
    public List<DeadLetter> broadcastDeadLetters() {
        return List.copyOf(broadcastDeadLetters);
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(SwitchboardException.closed("The hybrid driver"));
        }
        CompletableFuture<Void> queued = track(queueLeg.send(message));
        if (!routing.isRealTime(message)) {
            return queued;
        }
        // Broadcast only once the queue leg holds the event: a publish that fails is never delivered anywhere.
        return queued.thenRun(() -> broadcast.publish(message));
    }

    @Override
    public CompletableFuture<Void> sendBatch(List<OutboundMessage> messages) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(SwitchboardException.closed("The hybrid driver"));
        }
        CompletableFuture<Void> queued = track(queueLeg.sendBatch(messages));
        List<OutboundMessage> live = messages.stream().filter(routing::isRealTime).toList();
        return live.isEmpty() ? queued : queued.thenRun(() -> live.forEach(broadcast::publish));
    }

    /** Remembers whether the queue leg took the last send, for a leg that reports no health of its own. */
    private CompletableFuture<Void> track(CompletableFuture<Void> sent) {
        if (sent == null) {
            return null;
        }
        sent.whenComplete((ok, error) -> {
            if (error == null) {
                if (queueLegFailure.get() != null) { // read first: no write to a shared field per event
                    queueLegFailure.set(null);
                }
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof SwitchboardException se
                        && (se.reason() == SwitchboardException.Reason.UNAVAILABLE
                                || se.reason() == SwitchboardException.Reason.TIMEOUT)) {
                    queueLegFailure.set(se.reason() + " at the last publish");
                }
            }
        });
        return sent;
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        if (closed.get()) {
            throw SwitchboardException.closed("The hybrid driver");
        }
        if (!spec.isBroadcast()) {
            if (options.liveGroups().contains(spec.group())) {
                return broadcast.subscribe(spec, handler, spec.group(), id -> true, broadcastDeadLetters::add);
            }
            return queueLeg.subscribe(spec, handler);
        }
        if (routing.covers(spec.pattern())) {
            return broadcast.subscribe(spec, handler, null, id -> true, broadcastDeadLetters::add);
        }
        // Real-time types come fastest by NATS; the others only by the queue leg. One copy of each is handled.
        RecentIdFilter seen = new RecentIdFilter(codec, 10_000);
        DriverSubscription live = broadcast.subscribe(spec, handler, null, seen::firstTime, broadcastDeadLetters::add);
        DriverSubscription queued;
        try {
            queued = queueLeg.subscribe(spec, seen.filtering(handler));
        } catch (RuntimeException e) {
            live.close();
            throw e;
        }
        return new DriverSubscription() {
            @Override
            public boolean isActive() {
                return live.isActive() && queued.isActive();
            }

            @Override
            public void close() {
                live.close();
                queued.close();
            }
        };
    }

    /** The queue leg's flush, then what was broadcast so far is handed to the real-time subscriptions' handlers. */
    @Override
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        queueLeg.flush(timeout);
        broadcast.awaitDelivered(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    @Override
    public List<Health> health() {
        List<Health> result = new ArrayList<>();
        List<Health> leg = queueLeg.health();
        if (leg == null || leg.isEmpty()) {
            // The leg reports nothing itself: judged by the outcome of the last publish.
            String failure = queueLegFailure.get();
            String component = "queue-leg (" + queueLeg.name() + ")";
            result.add(failure == null ? Health.up(component, "last publish acknowledged (or none yet)")
                    : Health.down(component, failure));
        } else {
            for (Health h : leg) {
                result.add(new Health("queue-leg (" + queueLeg.name() + ") " + h.component(), h.status(),
                        h.detail()));
            }
        }
        result.add(broadcast.health());
        return result;
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == null) {
            return Optional.empty();
        }
        if (type.isInstance(this)) {
            return Optional.of(type.cast(this));
        }
        if (type.isInstance(broadcast.connection())) {
            return Optional.of(type.cast(broadcast.connection()));
        }
        Optional<T> fromLeg = queueLeg.unwrap(type);
        return fromLeg == null ? Optional.empty() : fromLeg;
    }

    @Override
    public void close(Duration drainTimeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            broadcast.close(drainTimeout);
        } finally {
            queueLeg.close(drainTimeout);
        }
    }

    @Override
    public String toString() {
        return "HybridDriver[queueLeg=" + queueLeg.name() + ", " + options + "]";
    }
}
