package io.switchboard.hybrid.internal;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.switchboard.DeadLetter;
import io.switchboard.Health;
import io.switchboard.hybrid.HybridDriverOptions;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The broadcast leg: NATS core publish on subject {@code [prefix.]type} with the event id as {@code Nats-Msg-Id},
 * and subscriptions on the pattern (NATS wildcards are the patterns' own syntax), optionally in a NATS queue group.
 * At-most-once: a publish while disconnected is not buffered but counted as a miss and logged.
 */
public final class NatsBroadcast {

    public static final String MSG_ID = "Nats-Msg-Id";
    private static final System.Logger LOG = System.getLogger(NatsBroadcast.class.getName());
    private static final long MISS_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final HybridDriverOptions options;
    private final NatsConnector.State state = new NatsConnector.State("broadcast-leg");
    private final CompletableFuture<Connection> connecting;
    private volatile Connection connection;
    /** Subscriptions made before the first connection (degraded start), attached when it is made. */
    private final List<Runnable> pendingAttach = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong missed = new AtomicLong();
    private final AtomicLong lastMissLog = new AtomicLong(System.nanoTime() - MISS_LOG_INTERVAL_NANOS);
    private final AtomicBoolean closed = new AtomicBoolean();

    public NatsBroadcast(HybridDriverOptions options) {
        this.options = options;
        this.connecting = NatsConnector.connect("broadcast-leg", options.natsUrl(), options, options.security(),
                options.startup() == HybridDriverOptions.Startup.FAIL_FAST, state);
        this.connection = connecting.getNow(null);
        connecting.thenAccept(c -> {
            List<Runnable> attach;
            synchronized (pendingAttach) {
                connection = c;
                attach = List.copyOf(pendingAttach);
                pendingAttach.clear();
            }
            attach.forEach(Runnable::run);
        });
    }

    /** The jnats connection, or {@code null} before the first connection of a degraded start. */
    public Connection connection() {
        return connection;
    }

    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    private String status() {
        Connection c = connection;
        return c == null ? "not connected yet" : String.valueOf(c.getStatus());
    }

    /** The largest payload the server accepts, or {@code fallback} while not connected. */
    public long maxPayload(long fallback) {
        try {
            Connection c = connection;
            long max = c == null || c.getServerInfo() == null ? 0 : c.getServerInfo().getMaxPayload();
            return max > 0 ? max : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** Broadcasts {@code message}; never throws. False (and the miss counted and logged) if it was not sent. */
    public boolean publish(OutboundMessage message) {
        String subject = options.subject(message.type());
        if (closed.get() || !isConnected()) {
            miss(message, closed.get() ? "the driver is closing" : "NATS is " + status(), null);
            return false;
        }
        try {
            Headers headers = new Headers().put(MSG_ID, HeaderValues.escape(message.eventId()));
            connection.publish(subject, headers, message.payload());
            sent.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            miss(message, "the publish failed", e);
            return false;
        }
    }

    private void miss(OutboundMessage message, String why, Throwable error) {
        long n = missed.incrementAndGet();
        long now = System.nanoTime();
        long last = lastMissLog.get();
        if (now - last >= MISS_LOG_INTERVAL_NANOS && lastMissLog.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "Broadcast leg down ({0}): real-time event {1} of type {2} was not "
                    + "broadcast; it is in the queue leg. Broadcast misses so far: {3}{4}", why, message.eventId(),
                    message.type(), n, error == null ? "" : " (" + error + ")");
        }
    }

    public long sentCount() {
        return sent.get();
    }

    public long missedCount() {
        return missed.get();
    }

    public Health health() {
        String component = "broadcast-leg (nats core)";
        String detail = options.redactedUrl() + ", " + status() + ", misses " + missed.get();
        return isConnected() ? Health.up(component, detail) : Health.down(component, detail);
    }

    /**
     * Subscribes {@code spec}'s pattern; a message is handled only if {@code accept} passes its event id (the
     * {@code Nats-Msg-Id} header). {@code queueGroup} non-null spreads messages over the group's members.
     */
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler, String queueGroup,
            Predicate<String> accept, Consumer<DeadLetter> deadLetters) {
        String subject = options.subject(spec.pattern().value());
        int prefixLength = options.subjectPrefix().isEmpty() ? 0 : options.subjectPrefix().length() + 1;
        HandlerPool pool = new HandlerPool("nats-" + spec.id(), spec.maxConcurrency());
        LocalRedelivery redelivery = new LocalRedelivery("nats-" + spec.id(), handler, pool, deadLetters);
        io.nats.client.MessageHandler onMessage = (Message m) -> {
            String id = m.hasHeaders() ? HeaderValues.unescape(m.getHeaders().getFirst(MSG_ID)) : null;
            if (!accept.test(id)) {
                return;
            }
            String type = m.getSubject().substring(Math.min(prefixLength, m.getSubject().length()));
            redelivery.deliver(new InboundMessage(m.getData() == null ? new byte[0] : m.getData(), type, 1, null,
                    id));
        };
        AtomicBoolean active = new AtomicBoolean(true);
        AtomicReference<Dispatcher> dispatcher = new AtomicReference<>();
        Runnable attach = () -> {
            if (!active.get()) {
                return;
            }
            Dispatcher d = connection.createDispatcher();
            if (queueGroup == null) {
                d.subscribe(subject, onMessage);
            } else {
                d.subscribe(subject, queueGroup, onMessage);
            }
            dispatcher.set(d);
        };
        boolean now;
        synchronized (pendingAttach) {
            now = connection != null;
            if (!now) {
                pendingAttach.add(attach);
            }
        }
        if (now) {
            attach.run();
        }
        return new DriverSubscription() {
            @Override
            public boolean isActive() {
                return active.get() && !closed.get();
            }

            @Override
            public void close() {
                if (active.compareAndSet(true, false)) {
                    synchronized (pendingAttach) {
                        pendingAttach.remove(attach);
                    }
                    Dispatcher d = dispatcher.get();
                    try {
                        if (d != null) {
                            connection.closeDispatcher(d);
                        }
                    } catch (RuntimeException e) {
                        // the connection is closing: nothing more arrives either way
                    }
                    redelivery.close(spec.drainTimeout());
                }
            }
        };
    }

    /** Drains (subscriptions stop, pending publishes flushed) within {@code timeout}, then closes. Idempotent. */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connecting.cancel(false);
        Connection c = connection;
        if (c == null) {
            return;
        }
        try {
            if (isConnected()) {
                c.drain(timeout.isZero() ? Duration.ofMillis(1) : timeout)
                        .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "Draining the broadcast leg did not finish: {0}", e.toString());
        } finally {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
