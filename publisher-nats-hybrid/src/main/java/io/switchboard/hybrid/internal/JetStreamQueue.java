package io.switchboard.hybrid.internal;

import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.switchboard.Capabilities;
import io.switchboard.DeadLetter;
import io.switchboard.Health;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.hybrid.HybridDriverOptions;
import io.switchboard.hybrid.JetStreamOptions;
import io.switchboard.hybrid.JetStreamOptions.StreamMode;
import io.switchboard.internal.PublishDeadlines;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JetStream queue leg, an at-least-once {@link EventDriver} of its own. Publishing stores the event on
 * {@code <subjectPrefix>.<type>} with the event id as {@code Nats-Msg-Id} and completes at the server's
 * {@code PublishAck}; streams are created on first use. A group is a durable pull consumer per (group, pattern) with
 * explicit ack; its members compete for messages. The core's decisions are carried out natively: a retry is a
 * {@code NAK} with the core's back-off delay, a dead letter is stored in the dead-letter stream before the original
 * is acknowledged, a release is a {@code NAK} with its delay. {@code max_deliver} is unlimited because the core
 * counts the attempts and dead-letters at its {@code maxAttempts}: a server-side limit could only drop an event
 * silently. A broadcast subscription is an ordered ephemeral consumer that starts at new messages.
 */
public final class JetStreamQueue implements EventDriver {

    private static final System.Logger LOG = System.getLogger(JetStreamQueue.class.getName());
    private static final int HEADER_ROOM = 512;
    private static final Duration FETCH_WAIT = Duration.ofMillis(250);
    /** Pull requests expire after this; the client renews them (and sees the server's idle heartbeats meanwhile). */
    private static final long PULL_EXPIRES_MILLIS = 1_000;
    /** Messages requested per pull, per handler slot: enough to keep the handlers busy across a round trip. */
    private static final int PREFETCH_PER_HANDLER = 32;
    /** The acknowledged-sequence memory per durable consumer: at most this many, none older than that. */
    static final int ACKED_MEMORY_CAPACITY = 100_000;
    static final Duration ACKED_MEMORY_AGE = Duration.ofMinutes(10);
    /** How long a send waits for a reconnection before failing with UNAVAILABLE, nothing sent. */
    private static final Duration RECONNECT_GRACE = Duration.ofSeconds(2);
    /** The most sends waiting for the server's acknowledgement at once, as the Redis driver's window. */
    public static final int MAX_SENDS_IN_FLIGHT = 512;
    /** How long a publisher waits for a slot, and a send for its acknowledgement (then TIMEOUT). */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    /** How long a probe (a JetStream API request) waits for the server to answer, before another one. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final JetStreamOptions options;
    private final NatsConnector.State state = new NatsConnector.State("queue-leg (jetstream)");
    private final CompletableFuture<Connection> connecting;
    /** Null until the first connection (degraded start); then set once, with js and jsm set before it. */
    private volatile Connection connection;
    private volatile JetStream js;
    private volatile JetStreamManagement jsm;
    private final Capabilities capabilities;
    private final Set<String> knownStreams = ConcurrentHashMap.newKeySet();
    private final Set<DriverSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
    /** Sends handed to jnats (or waiting for a connection) and not completed by it: bounded. */
    private final SendWindow window;
    /** A probe request is out, to find out when the server answers again (see {@link #probe()}). */
    private final AtomicBoolean probing = new AtomicBoolean();
    private static final String JS_API_INFO = "$JS.API.INFO";
    /** The consumer of each open group member, to tell when they have handled everything (flush). */
    private final Map<DriverSubscription, AtomicReference<ConsumerContext>> attachedMembers =
            new ConcurrentHashMap<>();
    /** Per durable consumer: what this process acknowledged, so that a server forgetting acks is not obeyed. */
    private final Map<String, AcknowledgedSequences> acknowledgedByDurable = new ConcurrentHashMap<>();
    private final AtomicLong redeliveriesOfAcknowledged = new AtomicLong();
    /** First failure time per stream message, so the next attempt gets it back (this process only). */
    private final Map<String, Instant> firstFailures = new ConcurrentHashMap<>();
    /** Releases per stream message: they are deliveries, not attempts (this process only). */
    private final Map<String, Integer> releases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-jetstream-timer");
        t.setDaemon(true);
        return t;
    });
    /** The send timeout of each send the server has not acknowledged yet: one watcher thread, no timer task each. */
    private final PublishDeadlines sendDeadlines;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String url;

    public JetStreamQueue(HybridDriverOptions hybrid, JetStreamOptions options) {
        this(hybrid, options, new SendWindow(MAX_SENDS_IN_FLIGHT, SEND_TIMEOUT));
    }

    /** With another window, for tests that fill it. */
    JetStreamQueue(HybridDriverOptions hybrid, JetStreamOptions options, SendWindow window) {
        this.options = options;
        this.window = window;
        this.sendDeadlines = new PublishDeadlines(window.timeout(), "switchboard-jetstream-send-deadlines");
        this.url = options.url() != null ? options.url() : hybrid.natsUrl();
        this.connecting = NatsConnector.connect("queue-leg (jetstream)", url, hybrid, hybrid.security(),
                hybrid.startup() == HybridDriverOptions.Startup.FAIL_FAST, state);
        Connection now = connecting.getNow(null);
        if (now != null) {
            try {
                use(now);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                throw SwitchboardException.of(Reason.UNAVAILABLE, "JetStream is not available at "
                        + HybridDriverOptions.redact(url) + " (" + e.getMessage() + "); start nats-server with -js",
                        e);
            }
        } else {
            connecting.thenAccept(c -> {
                try {
                    use(c);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "JetStream is not available at {0}: {1}",
                            HybridDriverOptions.redact(url), e.toString());
                }
            });
        }
        long serverMax = now == null || now.getServerInfo() == null ? 0 : now.getServerInfo().getMaxPayload();
        this.capabilities = Capabilities.builder()
                .delivery(Capabilities.Delivery.AT_LEAST_ONCE)
                .ordering(Capabilities.Ordering.NONE)
                .durability(Capabilities.Durability.BROKER_RESTART)
                .competingConsumers(true)
                .fanOutGroups(true)
                .lateGroupStart(Capabilities.LateGroupStart.LATEST)
                .publishDedupWindow(options.duplicateWindow())
                .deadLettering(Capabilities.DeadLettering.LIBRARY)
                .batch(Capabilities.BatchMode.NONE, 1)
                .maxPayloadBytes((int) ((serverMax > 0 ? serverMax : 1024 * 1024) - HEADER_ROOM))
                .attemptCounter(true)
                .destinations(Capabilities.DestinationPolicy.AUTO_CREATE)
                .maxDeliveryLatency(Duration.ofMillis(500))
                .maxRedeliveryLatency(Duration.ofSeconds(1))
                .build();
    }

    private void use(Connection c) throws IOException {
        this.js = c.jetStream();
        this.jsm = c.jetStreamManagement();
        this.connection = c;
        ensureStream(options.deadLetterStream(), options.deadLetterSubject() + ".>");
    }

    private boolean connected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    private String status() {
        Connection c = connection;
        return c == null ? "not connected yet" : String.valueOf(c.getStatus());
    }

    @Override
    public String name() {
        return "jetstream";
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    public JetStreamOptions options() {
        return options;
    }

    // ------------------------------------------------------------------------------------------- naming

    String subject(String typeOrPattern) {
        return options.subjectPrefix() + "." + typeOrPattern;
    }

    String stream(String typeOrPattern) {
        if (options.streamMode() == StreamMode.SINGLE) {
            return options.streamName();
        }
        return options.streamPrefix() + context(typeOrPattern).replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    }

    private String streamSubjects(String typeOrPattern) {
        return options.streamMode() == StreamMode.SINGLE ? options.subjectPrefix() + ".>"
                : options.subjectPrefix() + "." + context(typeOrPattern) + ".>";
    }

    private static String context(String typeOrPattern) {
        int dot = typeOrPattern.indexOf('.');
        return dot < 0 ? typeOrPattern : typeOrPattern.substring(0, dot);
    }

    private void ensureStream(String name, String subjects) throws IOException {
        if (knownStreams.contains(name)) {
            return;
        }
        try {
            jsm.getStreamInfo(name);
        } catch (JetStreamApiException notFound) {
            try {
                jsm.addStream(StreamConfiguration.builder().name(name).subjects(subjects)
                        .storageType(StorageType.File).replicas(options.replicas())
                        .duplicateWindow(options.duplicateWindow()).build());
                LOG.log(System.Logger.Level.INFO, "Created JetStream stream {0} for {1}", name, subjects);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10058) { // created concurrently by another client
                    throw new IOException("cannot create stream " + name + " for " + subjects + ": "
                            + e.getMessage(), e);
                }
            }
        }
        knownStreams.add(name);
    }

    // ------------------------------------------------------------------------------------------- publish

    /**
     * Sends {@code message}: it takes a slot of the in-flight window (waiting up to the send timeout for one, then
     * {@code TIMEOUT}, nothing sent), waits up to 2 s for a connection (then {@code UNAVAILABLE}, nothing sent), and
     * completes at the server's {@code PublishAck}, or with {@code TIMEOUT} (the event may still be stored) when none
     * comes within the send timeout. The slot is kept until the server answered (this send, or one sent after it) or
     * the connection is gone, so a server that does not answer holds at most the window, in the client's queue.
     */
    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        String subject = subject(message.type());
        if (closed.get()) {
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.CLOSED, message.eventId(),
                    message.type(), subject, "The JetStream queue leg is closed", null));
        }
        SendWindow.Slot slot;
        try {
            slot = window.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.INTERRUPTED,
                    message.eventId(), message.type(), subject, "Interrupted while waiting to send; nothing was sent",
                    e));
        }
        if (slot == null) {
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.TIMEOUT, message.eventId(),
                    message.type(), subject, window.capacity() + " sends have been waiting for JetStream at "
                            + HybridDriverOptions.redact(url) + " longer than " + window.timeout().toMillis()
                            + " ms; nothing was sent", null));
        }
        CompletableFuture<Void> stored;
        if (connected()) {
            stored = store(message, subject, slot);
        } else {
            // Reconnecting (a broker restart takes a moment): wait a little, then fail; never buffer blindly.
            stored = new CompletableFuture<>();
            awaitConnection(message, subject, slot, System.nanoTime() + RECONNECT_GRACE.toNanos(), stored);
        }
        // The send timeout completes only the caller's future, never jnats's own.
        Acknowledgement result = new Acknowledgement(sendDeadlines.deadlineFromNow(), message.eventId(),
                message.type(), subject);
        inFlight.add(result);
        result.whenComplete((ok, error) -> inFlight.remove(result));
        stored.whenComplete(result::settle);
        if (!result.isDone()) {
            sendDeadlines.watch(result);
        }
        return result;
    }

    /** A send's future: the server's acknowledgement, its failure, or {@code TIMEOUT} after the send timeout. */
    private final class Acknowledgement extends PublishDeadlines.Watched<Void> {
        private final String eventId;
        private final String type;
        private final String subject;

        Acknowledgement(long deadlineNanos, String eventId, String type, String subject) {
            super(deadlineNanos);
            this.eventId = eventId;
            this.type = type;
            this.subject = subject;
        }

        void settle(Object ok, Throwable error) {
            if (error == null) {
                complete(null);
            } else {
                completeExceptionally(unwrap(error));
            }
        }

        @Override
        protected void expire() {
            completeExceptionally(SwitchboardException.forEvent(Reason.TIMEOUT, eventId, type, subject,
                    "JetStream did not acknowledge the event within " + window.timeout().toMillis()
                            + " ms; it may still be stored", new java.util.concurrent.TimeoutException()));
        }
    }

    /** The most sends waiting for the server at once, and how long a send waits for a slot or an acknowledgement. */
    public SendWindow window() {
        return window;
    }

    private void awaitConnection(OutboundMessage message, String subject, SendWindow.Slot slot, long deadline,
            CompletableFuture<Void> result) {
        if (connected()) {
            store(message, subject, slot).whenComplete((ok, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(null);
                }
            });
        } else if (closed.get() || System.nanoTime() > deadline) {
            slot.release();
            result.completeExceptionally(SwitchboardException.forEvent(Reason.UNAVAILABLE, message.eventId(),
                    message.type(), subject, "The queue leg (JetStream at " + HybridDriverOptions.redact(url)
                            + ") is " + status() + "; the event was not stored", null));
        } else {
            try {
                timer.schedule(() -> awaitConnection(message, subject, slot, deadline, result), 25,
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                slot.release();
                result.completeExceptionally(SwitchboardException.forEvent(Reason.CLOSED, message.eventId(),
                        message.type(), subject, "The JetStream queue leg is closed", null));
            }
        }
    }

    /**
     * Hands the event to jnats; the returned future completes with jnats' publish (success only at the server's
     * acknowledgement). The slot is released when the server answered, or parked when jnats gave up waiting (its
     * request timeout) while the message may still be queued in the client. Only the event's id and type are kept
     * for the outcome: jnats holds the payload until it is written.
     */
    private CompletableFuture<Void> store(OutboundMessage message, String subject, SendWindow.Slot slot) {
        String eventId = message.eventId();
        String type = message.type();
        String stream = stream(type);
        long epoch = state.epoch();
        try {
            ensureStream(stream, streamSubjects(type));
            String id = HeaderValues.escape(eventId);
            Headers headers = new Headers().put("Nats-Msg-Id", id);
            PublishOptions po = PublishOptions.builder().messageId(id).expectedStream(stream).build();
            return js.publishAsync(subject, headers, message.payload(), po)
                    .handle((ack, error) -> {
                        if (error == null) {
                            slot.release();
                            window.releaseParked(); // answered after them: the parked ones left the client too
                            return null;
                        }
                        Throwable cause = unwrap(error);
                        if (cause instanceof java.util.concurrent.CancellationException && !closed.get()
                                && state.epoch() == epoch) {
                            window.park(slot, epoch); // no answer: the message may still be queued in jnats
                            probe();
                        } else {
                            slot.release();
                        }
                        throw new CompletionException(publishFailure(eventId, type, subject, error));
                    });
        } catch (IOException | RuntimeException e) {
            slot.release();
            return CompletableFuture.failedFuture(publishFailure(eventId, type, subject, e));
        }
    }

    /**
     * Asks the server something (a JetStream API request, on the same connection, behind whatever is queued) while
     * slots are parked: an answer releases them; a connection that changed releases those parked on the old one.
     */
    private void probe() {
        if (closed.get() || window.parked() == 0 || !probing.compareAndSet(false, true)) {
            return;
        }
        window.releaseParkedBefore(state.epoch());
        Connection c = connection;
        CompletableFuture<Message> answer;
        try {
            answer = connected() ? c.requestWithTimeout(JS_API_INFO, null, PROBE_TIMEOUT)
                    : CompletableFuture.failedFuture(new IllegalStateException("not connected"));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, error) -> {
            probing.set(false);
            if (error == null) {
                window.releaseParked();
                return;
            }
            window.releaseParkedBefore(state.epoch());
            if (closed.get() || window.parked() == 0) {
                return;
            }
            try {
                timer.schedule(this::probe, 250, TimeUnit.MILLISECONDS); // ask again
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                window.releaseParked();
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Waits until every send accepted so far is stored, then until the open group subscriptions of this driver have
     * handled what their consumers hold (no pending, no unacknowledged message), within {@code timeout}.
     */
    @Override
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // failed sends were reported to their callers; a timeout leaves the rest to close
        }
        while (System.nanoTime() < deadline) {
            boolean drained = true;
            for (AtomicReference<ConsumerContext> member : attachedMembers.values()) {
                ConsumerContext sub = member.get();
                if (sub == null) {
                    continue;
                }
                try {
                    var info = sub.getConsumerInfo();
                    if (info.getNumPending() > 0 || info.getNumAckPending() > 0) {
                        drained = false;
                        break;
                    }
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    drained = false; // cannot tell: keep waiting until the deadline
                    break;
                }
            }
            if (drained) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private SwitchboardException publishFailure(String eventId, String type, String subject, Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof SwitchboardException se) {
            return se;
        }
        // A request jnats timed out (CancellationException) may still be stored: indeterminate, like a timeout.
        Reason reason = cause instanceof JetStreamApiException ? Reason.REJECTED
                : cause instanceof java.util.concurrent.TimeoutException
                        || cause instanceof java.util.concurrent.CancellationException && !closed.get()
                                ? Reason.TIMEOUT : Reason.UNAVAILABLE;
        return SwitchboardException.forEvent(reason, eventId, type, subject,
                "JetStream did not store the event: " + cause, cause);
    }

    // ------------------------------------------------------------------------------------------- subscribe

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        if (closed.get()) {
            throw SwitchboardException.closed("The JetStream queue leg");
        }
        String pattern = spec.pattern().value();
        if (options.streamMode() == StreamMode.PER_CONTEXT && (pattern.startsWith("*") || pattern.startsWith(">"))) {
            throw SwitchboardException.configuration("The JetStream queue leg keeps a stream per context (the "
                    + "first segment of a type), so a pattern must name its context; '" + pattern + "' does not. "
                    + "Subscribe per context, or set " + JetStreamOptions.STREAM_MODE + "=single");
        }
        String stream = stream(pattern);
        DriverSubscription s = spec.isBroadcast() ? broadcast(spec, handler, stream)
                : group(spec, handler, stream);
        subscriptions.add(s);
        return s;
    }

    /** A durable name for (group, pattern): readable, and unique by a hash of both. */
    static String durableName(String group, String pattern) {
        String readable = group.replaceAll("[^A-Za-z0-9_-]", "_");
        if (readable.length() > 40) {
            readable = readable.substring(0, 40);
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((group + "|" + pattern).getBytes(StandardCharsets.UTF_8));
            return readable + "_" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates (or finds) the stream and the group's durable consumer, and returns its context. */
    private ConsumerContext attach(ConsumerSpec spec, String stream, String durable)
            throws IOException, JetStreamApiException {
        ensureStream(stream, streamSubjects(spec.pattern().value()));
        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder()
                .durable(durable)
                .filterSubject(subject(spec.pattern().value()))
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(options.ackWait())
                .maxDeliver(-1)
                .maxAckPending(options.maxAckPending())
                .deliverPolicy(DeliverPolicy.New)
                .build());
        return js.getConsumerContext(stream, durable);
    }

    private DriverSubscription group(ConsumerSpec spec, MessageHandler handler, String stream) {
        String durable = durableName(spec.group(), spec.pattern().value());
        AtomicReference<ConsumerContext> attached = new AtomicReference<>();
        if (connected()) {
            try {
                attached.set(attach(spec, stream, durable));
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                throw SwitchboardException.of(Reason.UNAVAILABLE, "Cannot create the JetStream consumer " + durable
                        + " of group " + spec.group() + " on stream " + stream + ": " + e.getMessage(), e);
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, "JetStream is {0}: group {1} on {2} attaches when it is reachable",
                    status(), spec.group(), spec.pattern());
        }
        HandlerPool pool = new HandlerPool("js-" + spec.id(), spec.maxConcurrency());
        AtomicBoolean active = new AtomicBoolean(true);
        Thread fetcher = new Thread(() -> fetchLoop(spec, handler, stream, durable, attached, pool, active),
                "switchboard-jetstream-fetch-" + spec.id());
        fetcher.setDaemon(true);
        fetcher.start();
        DriverSubscription member = new DriverSubscription() {
            @Override
            public boolean isActive() {
                return active.get() && !closed.get();
            }

            @Override
            public void close() {
                if (!active.compareAndSet(true, false)) {
                    return;
                }
                try {
                    fetcher.join(FETCH_WAIT.toMillis() * 4 + 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                attachedMembers.remove(this);
                pool.close(spec.drainTimeout());
                subscriptions.remove(this);
            }
        };
        attachedMembers.put(member, attached);
        return member;
    }

    /**
     * Pulls for one group member with the requests pipelined: the client keeps up to {@code prefetch} messages
     * requested and renews the request when half are consumed, so the handlers are not idle for a round trip per
     * batch. {@code submit} blocks while all handlers are busy. The pull (short-lived requests, 1 s) survives
     * reconnections: jnats renews it, also when the server's idle heartbeats stop (a restarted server).
     */
    private void fetchLoop(ConsumerSpec spec, MessageHandler handler, String stream, String durable,
            AtomicReference<ConsumerContext> attached, HandlerPool pool, AtomicBoolean active) {
        long backoff = 100;
        int prefetch = Math.max(1, Math.min(options.maxAckPending(), spec.maxConcurrency() * PREFETCH_PER_HANDLER));
        AcknowledgedSequences acked = acknowledgedByDurable.computeIfAbsent(durable,
                d -> new AcknowledgedSequences(ACKED_MEMORY_CAPACITY, ACKED_MEMORY_AGE, System::nanoTime));
        IterableConsumer consumer = null;
        try {
            while (active.get() && !closed.get()) {
                try {
                    ConsumerContext context = attached.get();
                    if (context == null) {
                        try {
                            attached.set(context = attach(spec, stream, durable));
                            LOG.log(System.Logger.Level.INFO, "Group {0} on {1} attached to JetStream", spec.group(),
                                    spec.pattern());
                        } catch (IOException | JetStreamApiException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    if (consumer == null) {
                        consumer = context.iterate(ConsumeOptions.builder().batchSize(prefetch).thresholdPercent(50)
                                .expiresIn(PULL_EXPIRES_MILLIS).build());
                    }
                    Message m = consumer.nextMessage(FETCH_WAIT);
                    backoff = 100;
                    if (m == null) {
                        continue;
                    }
                    if (!active.get() || !pool.submit(() -> handle(spec, handler, m, acked))) {
                        nakQuietly(m, Duration.ZERO); // not handed out: back to the consumer at once
                    }
                } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException | RuntimeException e) {
                    // Disconnected, the server restarting, or the consumer gone: keep trying; the durable consumer
                    // keeps the messages.
                    LOG.log(System.Logger.Level.DEBUG, "Pulling for {0} failed: {1}", spec.id(), e.toString());
                    if (consumer != null) {
                        stopQuietly(consumer, false);
                        consumer = null;
                    }
                    if (e instanceof JetStreamStatusCheckedException || e instanceof JetStreamApiException) {
                        attached.set(null); // e.g. the consumer was deleted: create it again
                    }
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    backoff = Math.min(2000, backoff * 2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (consumer != null) {
                stopQuietly(consumer, true);
            }
        }
    }

    /** Stops pulling; with {@code nak}, what was buffered and not handed out goes back to the consumer at once. */
    private static void stopQuietly(IterableConsumer consumer, boolean nak) {
        try {
            consumer.stop();
            if (nak) {
                Message m;
                while ((m = consumer.nextMessage(Duration.ofMillis(20))) != null) {
                    nakQuietly(m, Duration.ZERO);
                }
            }
            consumer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // disconnected: the server redelivers after ack-wait
        }
    }

    /** Redeliveries of messages this process had acknowledged, acknowledged again without handling (since start). */
    public long redeliveriesOfAcknowledged() {
        return redeliveriesOfAcknowledged.get();
    }

    private void handle(ConsumerSpec spec, MessageHandler handler, Message m, AcknowledgedSequences acked) {
        var meta = m.metaData();
        long sequence = meta.streamSequence();
        long stored = meta.timestamp() == null ? 0 : meta.timestamp().toInstant().getEpochSecond() * 1_000_000_000L
                + meta.timestamp().toInstant().getNano();
        String key = meta.getStream() + ":" + sequence;
        switch (acked.begin(sequence, stored)) {
            case ACKNOWLEDGED -> {
                // The server forgot our acknowledgement (e.g. nats-server 2.9 killed): the same stored message.
                redeliveriesOfAcknowledged.incrementAndGet();
                LOG.log(System.Logger.Level.DEBUG, "{0} (delivery {1}) was acknowledged here before; acknowledged "
                        + "again without handling", key, meta.deliveredCount());
                ackQuietly(m);
                return;
            }
            case IN_PROGRESS -> {
                // Redelivered while this process handles it: that handling acknowledges (or NAKs) the message.
                LOG.log(System.Logger.Level.DEBUG, "{0} redelivered while being handled here; left to that "
                        + "handling", key);
                return;
            }
            case NEW -> {
                // handled below
            }
        }
        boolean ackedHere = false;
        try {
            ackedHere = handleNew(handler, m, meta, key);
        } finally {
            acked.finished(sequence, stored, ackedHere);
        }
    }

    /** Runs the handler and carries out its outcome; true if the message was acknowledged. */
    private boolean handleNew(MessageHandler handler, Message m, io.nats.client.impl.NatsJetStreamMetaData meta,
            String key) {
        int released = releases.getOrDefault(key, 0);
        int attempt = (int) Math.max(1, meta.deliveredCount() - released);
        String type = m.getSubject().substring(options.subjectPrefix().length() + 1);
        InboundMessage inbound = new InboundMessage(m.getData() == null ? new byte[0] : m.getData(), type, attempt,
                firstFailures.get(key), key);
        // A handler slower than ack-wait keeps its lease: the server must not redeliver it meanwhile.
        long every = Math.max(500, options.ackWait().toMillis() / 2);
        ScheduledFuture<?> lease = timer.scheduleAtFixedRate(() -> {
            try {
                m.inProgress();
            } catch (RuntimeException ignored) {
                // disconnected: the server redelivers after ack-wait, the core deduplicates
            }
        }, every, every, TimeUnit.MILLISECONDS);
        DeliveryOutcome outcome;
        try {
            outcome = handler.handle(inbound);
        } finally {
            lease.cancel(false);
        }
        try {
            if (outcome instanceof DeliveryOutcome.Ack) {
                m.ack();
                forget(key);
                return true;
            } else if (outcome instanceof DeliveryOutcome.Retry retry) {
                firstFailures.put(key, retry.firstFailureAt());
                m.nakWithDelay(retry.delay());
            } else if (outcome instanceof DeliveryOutcome.DeadLettered dead) {
                try {
                    writeDeadLetter(dead.deadLetter(), type);
                    m.ack();
                    forget(key);
                    return true;
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    // Not acknowledged: it stays in the stream and comes back; nothing is lost.
                    LOG.log(System.Logger.Level.ERROR, "Could not store the dead letter of {0} ({1}); it will be "
                            + "delivered again", key, e.toString());
                    m.nakWithDelay(Duration.ofSeconds(1));
                }
            } else if (outcome instanceof DeliveryOutcome.Release release) {
                releases.merge(key, 1, Integer::sum);
                m.nakWithDelay(release.delay());
            }
        } catch (RuntimeException e) {
            // Disconnected: the server redelivers after ack-wait.
            LOG.log(System.Logger.Level.DEBUG, "Could not acknowledge {0}: {1}", key, e.toString());
        }
        return false;
    }

    private static void ackQuietly(Message m) {
        try {
            m.ack();
        } catch (RuntimeException ignored) {
            // redelivered after ack-wait, and recognised again
        }
    }

    private void forget(String key) {
        firstFailures.remove(key);
        releases.remove(key);
    }

    private static void nakQuietly(Message m, Duration delay) {
        try {
            if (delay.isZero()) {
                m.nak();
            } else {
                m.nakWithDelay(delay);
            }
        } catch (RuntimeException ignored) {
            // redelivered after ack-wait
        }
    }

    private DriverSubscription broadcast(ConsumerSpec spec, MessageHandler handler, String stream) {
        HandlerPool pool = new HandlerPool("js-live-" + spec.id(), spec.maxConcurrency());
        LocalRedelivery redelivery = new LocalRedelivery("js-live-" + spec.id(), handler, pool, dl -> {
            try {
                writeDeadLetter(dl, dl.get(DeadLetter.Keys.SOURCE));
            } catch (IOException | JetStreamApiException e) {
                throw new IllegalStateException(e);
            }
        }, true);
        AtomicReference<Dispatcher> dispatcher = new AtomicReference<>();
        AtomicBoolean active = new AtomicBoolean(true);
        Runnable attach = () -> {
            try {
                ensureStream(stream, streamSubjects(spec.pattern().value()));
                Dispatcher d = connection.createDispatcher();
                dispatcher.set(d);
                js.subscribe(subject(spec.pattern().value()), d, m -> {
                    String type = m.getSubject().substring(options.subjectPrefix().length() + 1);
                    var meta = m.metaData();
                    redelivery.deliver(new InboundMessage(m.getData() == null ? new byte[0] : m.getData(), type, 1,
                            null, meta.getStream() + ":" + meta.streamSequence()));
                }, false, PushSubscribeOptions.builder().stream(stream).ordered(true)
                        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.New).build())
                        .build());
            } catch (IOException | JetStreamApiException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        };
        if (connected()) {
            try {
                attach.run();
            } catch (RuntimeException e) {
                if (dispatcher.get() != null) {
                    connection.closeDispatcher(dispatcher.get());
                }
                redelivery.close(Duration.ZERO);
                throw SwitchboardException.of(Reason.UNAVAILABLE, "Cannot subscribe to " + spec.pattern()
                        + " on JetStream stream " + stream + ": " + e.getMessage(), e);
            }
        } else {
            // Degraded start: attach once JetStream is reachable; until then this live subscription receives nothing.
            Thread attacher = new Thread(() -> {
                while (active.get() && !closed.get()) {
                    if (connected()) {
                        try {
                            attach.run();
                            return;
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.DEBUG, "Attaching {0} failed: {1}", spec.id(), e.toString());
                        }
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "switchboard-jetstream-attach-" + spec.id());
            attacher.setDaemon(true);
            attacher.start();
        }
        return new DriverSubscription() {
            @Override
            public boolean isActive() {
                return active.get() && !closed.get();
            }

            @Override
            public void close() {
                if (active.compareAndSet(true, false)) {
                    try {
                        if (dispatcher.get() != null) {
                            connection.closeDispatcher(dispatcher.get());
                        }
                    } catch (RuntimeException ignored) {
                        // closing anyway
                    }
                    redelivery.close(spec.drainTimeout());
                    subscriptions.remove(this);
                }
            }
        };
    }

    // ------------------------------------------------------------------------------------------- dead letters

    private void writeDeadLetter(DeadLetter deadLetter, String type) throws IOException, JetStreamApiException {
        ensureStream(options.deadLetterStream(), options.deadLetterSubject() + ".>");
        Headers headers = new Headers();
        deadLetter.metadata().forEach((k, v) -> headers.put(k, HeaderValues.escape(v)));
        String t = type == null || type.isBlank() ? "unknown" : type;
        js.publish(options.deadLetterSubject() + "." + t, headers, deadLetter.payload());
    }

    /** Every dead letter in the dead-letter stream, oldest first, read natively (metadata from the headers). */
    public List<DeadLetter> deadLetters() {
        List<DeadLetter> result = new ArrayList<>();
        if (jsm == null) {
            throw SwitchboardException.of(Reason.UNAVAILABLE, "JetStream is not connected yet");
        }
        try {
            long last = jsm.getStreamInfo(options.deadLetterStream()).getStreamState().getLastSequence();
            for (long seq = 1; seq <= last; seq++) {
                MessageInfo info;
                try {
                    info = jsm.getMessage(options.deadLetterStream(), seq);
                } catch (JetStreamApiException deleted) {
                    continue;
                }
                Map<String, String> metadata = new LinkedHashMap<>();
                if (info.getHeaders() != null) {
                    for (String k : info.getHeaders().keySet()) {
                        if (k.startsWith("dlq-")) {
                            metadata.put(k, HeaderValues.unescape(info.getHeaders().getFirst(k)));
                        }
                    }
                }
                result.add(new DeadLetter(info.getData() == null ? new byte[0] : info.getData(), metadata));
            }
        } catch (IOException | JetStreamApiException e) {
            throw SwitchboardException.of(Reason.UNAVAILABLE, "Cannot read the dead-letter stream "
                    + options.deadLetterStream() + ": " + e.getMessage(), e);
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------- lifecycle

    @Override
    public List<Health> health() {
        String detail = HybridDriverOptions.redact(url) + ", " + status();
        return List.of(connected() ? Health.up("jetstream", detail)
                : Health.down("jetstream", detail));
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == null) {
            return Optional.empty();
        }
        if (type.isInstance(this)) {
            return Optional.of(type.cast(this));
        }
        if (type.isInstance(connection)) {
            return Optional.of(type.cast(connection));
        }
        return Optional.empty();
    }

    @Override
    public void close(Duration drainTimeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (DriverSubscription s : List.copyOf(subscriptions)) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Closing a JetStream subscription failed: {0}", e.toString());
            }
        }
        timer.shutdownNow();
        sendDeadlines.stop();
        long forgotten = redeliveriesOfAcknowledged.get();
        if (forgotten > 0) {
            LOG.log(System.Logger.Level.INFO, "JetStream redelivered {0} message(s) this process had acknowledged "
                    + "(acknowledgements lost by the server); acknowledged again without handling", forgotten);
        }
        closeQuietly();
    }

    private void closeQuietly() {
        connecting.cancel(false);
        Connection c = connection;
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "JetStreamQueue[" + options + "]";
    }
}
