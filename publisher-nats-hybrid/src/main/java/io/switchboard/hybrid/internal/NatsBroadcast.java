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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    /** NATS' default max payload, assumed while the server's is not known. */
    private static final long DEFAULT_MAX_PAYLOAD = 1024 * 1024;
    /** Room for the NATS headers of a broadcast (the event id) below the server's max payload. */
    private static final int HEADER_ROOM = 512;
    /** How long the flusher waits for the server's answer before it sends the next PING. */
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(30);

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
    /** The open subscriptions, for {@link #awaitDelivered}. */
    private final Set<Receiver> open = ConcurrentHashMap.newKeySet();
    /** Guards {@link #nextFlush} and {@link #flusherRunning}. */
    private final Object flushes = new Object();
    private CompletableFuture<Boolean> nextFlush;
    private boolean flusherRunning;
    private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-nats-flush");
        t.setDaemon(true);
        return t;
    });

    public NatsBroadcast(HybridDriverOptions options) {
        this.options = options;
        // A server that stops reading (frozen, overloaded) must never block a publishing thread (for the hybrid,
        // the queue leg's I/O thread): past jnats' outgoing queue, broadcasts are discarded and counted as misses.
        this.connecting = NatsConnector.connect("broadcast-leg", options.natsUrl(), options, options.security(),
                options.startup() == HybridDriverOptions.Startup.FAIL_FAST, state, this::discarded);
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

    /** False once {@link #close} was called. */
    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * The largest event payload a broadcast can carry: the server's max payload (NATS' default of 1 MiB while not
     * connected) less room for the headers (the event id).
     */
    public int maxEventPayload() {
        long max = 0;
        try {
            Connection c = connection;
            max = c == null || c.getServerInfo() == null ? 0 : c.getServerInfo().getMaxPayload();
        } catch (RuntimeException e) {
            // not known: the default below
        }
        return (int) Math.min(Integer.MAX_VALUE, (max > 0 ? max : DEFAULT_MAX_PAYLOAD) - HEADER_ROOM);
    }

    /** Broadcasts {@code message}; never throws. False (and the miss counted and logged) if it was not sent. */
    public boolean publish(OutboundMessage message) {
        String failure = trySend(message);
        if (failure != null) {
            miss(message, failure);
        }
        return failure == null;
    }

    /**
     * Hands {@code message} to the NATS connection (core publish: written to the server without an answer); never
     * throws. Null when handed over, or why it was not: the driver is closing, NATS is not connected, or the client
     * refused it.
     */
    public String trySend(OutboundMessage message) {
        if (closed.get()) {
            return "the driver is closing";
        }
        if (Thread.currentThread().isInterrupted()) {
            return "the publishing thread is interrupted (the NATS client would drop the message)";
        }
        if (!isConnected()) {
            return "NATS is " + status();
        }
        try {
            Headers headers = new Headers().put(MSG_ID, HeaderValues.escape(message.eventId()));
            connection.publish(options.subject(message.type()), headers, message.payload());
            sent.incrementAndGet();
            return null;
        } catch (RuntimeException e) {
            return "the publish failed (" + e + ")";
        }
    }

    /** jnats discarded {@code m}: its outgoing queue was full. It was counted as sent; it is a miss. */
    private void discarded(Message m) {
        if (!m.hasHeaders() || m.getHeaders().getFirst(MSG_ID) == null) {
            return; // not a broadcast (a protocol message of the client's own)
        }
        sent.decrementAndGet();
        countMiss("NATS is not reading (the client''s outgoing queue is full): a broadcast on {0} was discarded",
                m.getSubject());
    }

    private void miss(OutboundMessage message, String why) {
        countMiss("Broadcast leg down ({0}): real-time event {1} of type {2} was not broadcast; it is in the queue "
                + "leg", why, message.eventId(), message.type());
    }

    /** Counts a miss and logs {@code what} with the count so far, at most once per {@link #MISS_LOG_INTERVAL_NANOS}. */
    private void countMiss(String what, Object... args) {
        long n = missed.incrementAndGet();
        long now = System.nanoTime();
        long last = lastMissLog.get();
        if (now - last >= MISS_LOG_INTERVAL_NANOS && lastMissLog.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, java.text.MessageFormat.format(what, args)
                    + ". Broadcast misses so far: " + n);
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
        LocalRedelivery redelivery = new LocalRedelivery("nats-" + spec.id(), handler, pool, deadLetters, false);
        AtomicInteger receiving = new AtomicInteger(); // messages taken off the dispatcher, not yet handed over
        io.nats.client.MessageHandler onMessage = (Message m) -> {
            receiving.incrementAndGet();
            try {
                String id = m.hasHeaders() ? HeaderValues.unescape(m.getHeaders().getFirst(MSG_ID)) : null;
                if (!accept.test(id)) {
                    return;
                }
                String type = m.getSubject().substring(Math.min(prefixLength, m.getSubject().length()));
                redelivery.deliver(new InboundMessage(m.getData() == null ? new byte[0] : m.getData(), type, 1,
                        null, id));
            } finally {
                receiving.decrementAndGet();
            }
        };
        AtomicBoolean active = new AtomicBoolean(true);
        AtomicReference<Dispatcher> dispatcher = new AtomicReference<>();
        Receiver receiver = new Receiver(dispatcher, receiving);
        open.add(receiver);
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
                    open.remove(receiver);
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

    /**
     * Waits up to {@code timeout} until what was published before this call has reached the handlers of this
     * connection's open subscriptions: a {@link #flush} puts every message the server sent before in the
     * dispatchers' queues, then the queues are waited for until each message in them was handed to a handler thread
     * (a subscription's close then waits for the handlers). Used before subscriptions are closed, so that closing a
     * publisher delivers what it accepted.
     */
    public void awaitDelivered(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!flush(timeout) || open.isEmpty()) {
            return;
        }
        try {
            for (Receiver r : open) {
                while (r.busy() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An open subscription's dispatcher and its messages taken off the dispatcher, not yet handed over. */
    private record Receiver(AtomicReference<Dispatcher> dispatcher, AtomicInteger receiving) {
        boolean busy() {
            Dispatcher d = dispatcher.get();
            return receiving.get() > 0 || (d != null && d.getPendingMessageCount() > 0);
        }
    }

    /**
     * Waits up to {@code timeout} for the server's answer to a PING sent after this call: it comes after every
     * message the server sent this connection before, and after the server read every publish made before. False if
     * not connected or not answered in time. Concurrent callers share one PING, sent by one thread, one at a time:
     * jnats counts each unanswered PING (a flush that timed out leaves one) against its stale-connection limit, two by
     * default, and a third would make it drop and reconnect a healthy but busy connection.
     */
    public boolean flush(Duration timeout) {
        CompletableFuture<Boolean> answered;
        synchronized (flushes) {
            if (closed.get()) {
                return false;
            }
            if (nextFlush == null) {
                nextFlush = new CompletableFuture<>();
                if (!flusherRunning) {
                    flusherRunning = true;
                    flusher.execute(this::runFlushes);
                }
            }
            answered = nextFlush;
        }
        try {
            return answered.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** On the flusher thread: one PING for every request made before it was sent, until none is waiting. */
    private void runFlushes() {
        while (true) {
            CompletableFuture<Boolean> batch;
            synchronized (flushes) {
                batch = nextFlush;
                nextFlush = null;
                if (batch == null) {
                    flusherRunning = false;
                    return;
                }
            }
            boolean ok = false;
            Connection c = connection;
            try {
                if (c != null && isConnected()) {
                    c.flush(FLUSH_WAIT);
                    ok = true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.complete(false);
                return;
            } catch (Exception e) {
                // not answered within FLUSH_WAIT, or the connection is closing
            }
            batch.complete(ok);
        }
    }

    /** Drains (subscriptions stop, pending publishes flushed) within {@code timeout}, then closes. Idempotent. */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (flushes) {
            if (nextFlush != null) {
                nextFlush.complete(false);
                nextFlush = null;
            }
        }
        flusher.shutdownNow();
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
