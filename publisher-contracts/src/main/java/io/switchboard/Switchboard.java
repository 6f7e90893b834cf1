package io.switchboard;

import io.switchboard.idempotency.IdempotencyStore;
import io.switchboard.idempotency.InMemoryIdempotencyStore;
import io.switchboard.internal.Counters;
import io.switchboard.internal.CurrentDelivery;
import io.switchboard.internal.DeliveryPipeline;
import io.switchboard.internal.PublishDeadlines;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventCodec;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.OutboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link EventPublisher} and {@link EventSubscriber} in front of every driver. It does, once for all drivers,
 * what the contract promises: validation and encoding before anything is sent, correlation and causation ids,
 * the publish deadline, failures on one channel, consumer-side idempotency, retry decisions and dead-letter
 * metadata, counters, and an orderly close.
 *
 * <p>Plain Java: {@code Switchboard.fromEnvironment()} builds the driver named by {@code EVENT_DRIVER};
 * {@code Switchboard.builder(driver)} takes one you built. Spring Boot applications get it as the
 * {@code EventPublisher} bean.
 */
public final class Switchboard implements EventPublisher, EventSubscriber {

    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_CONCURRENCY = 4;
    /** How long a key claimed by a running handler blocks its duplicates before the claim is presumed dead. */
    public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger(Switchboard.class.getName());

    private final EventDriver driver;
    private final EventCodec codec;
    private final Clock clock;
    private final IdempotencyStore idempotencyStore;
    private final IdempotencyKey defaultIdempotencyKey;
    private final RetryPolicy retryPolicy;
    private final Duration publishTimeout;
    private final Duration drainTimeout;
    private final int defaultConcurrency;
    private final int maxPayloadBytes;
    private final String source;
    private final Capabilities capabilities;
    private final Counters counters = new Counters();
    private final Set<SubscriptionHandle> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicLong subscriptionIds = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Publishes being handed to the driver now; {@link #close()} waits for them before it flushes. */
    private final LongAdder sending = new LongAdder();
    private final PublishDeadlines deadlines;

    private Switchboard(Builder b) {
        this.driver = b.driver;
        this.codec = b.codec != null ? b.codec : EventCodec.load();
        this.clock = b.clock;
        this.idempotencyStore = b.idempotencyStore != null ? b.idempotencyStore
                : new InMemoryIdempotencyStore(b.clock, InMemoryIdempotencyStore.DEFAULT_WINDOW,
                        InMemoryIdempotencyStore.DEFAULT_MAX_ENTRIES);
        this.defaultIdempotencyKey = b.idempotencyKey;
        this.retryPolicy = b.retryPolicy;
        this.publishTimeout = b.publishTimeout;
        this.deadlines = new PublishDeadlines(publishTimeout, "switchboard-publish-deadlines-" + driver.name());
        this.drainTimeout = b.drainTimeout;
        this.defaultConcurrency = b.concurrency;
        this.source = b.source;
        Capabilities declared = Objects.requireNonNull(driver.capabilities(),
                () -> "driver " + driver.name() + " declared no capabilities");
        this.maxPayloadBytes = b.maxPayloadBytes > 0 ? Math.min(b.maxPayloadBytes, declared.maxPayloadBytes())
                : declared.maxPayloadBytes();
        boolean dedup = defaultIdempotencyKey != IdempotencyKey.NONE;
        this.capabilities = declared.toBuilder()
                .maxPayloadBytes(maxPayloadBytes)
                .consumerDedup(dedup ? idempotencyStore.window() : Duration.ZERO,
                        dedup && idempotencyStore.isDurable())
                .build();
    }

    /** A publisher in front of {@code driver}; the builder's defaults are the documented ones. */
    public static Builder builder(EventDriver driver) {
        return new Builder(driver);
    }

    /**
     * Builds the driver named by {@code EVENT_DRIVER} (or the system property {@code event.driver}; default
     * {@code hybrid}) and the publisher in front of it, with settings from system properties and the environment.
     */
    public static Switchboard fromEnvironment() {
        return fromSettings(DriverSettings.fromEnvironment());
    }

    /**
     * As {@link #fromEnvironment()}, from the given settings: {@code event.driver}, {@code event.publish-timeout},
     * {@code event.drain-timeout}, {@code event.concurrency}, {@code event.retry.max-attempts},
     * {@code event.retry.initial-delay}, {@code event.retry.max-delay}, {@code event.idempotency.key}
     * ({@code event-id}, {@code natural-key}, {@code none}), {@code event.source}, and the driver's own settings.
     */
    public static Switchboard fromSettings(DriverSettings settings) {
        EventDriver driver = DriverSelection.createDriver(settings);
        try {
            RetryPolicy defaults = RetryPolicy.defaults();
            RetryPolicy retry = new RetryPolicy(
                    settings.getInt("event.retry.max-attempts", defaults.maxAttempts()),
                    settings.getDuration("event.retry.initial-delay", defaults.initialDelay()),
                    defaults.multiplier(),
                    settings.getDuration("event.retry.max-delay", defaults.maxDelay()), Set.of());
            return builder(driver)
                    .publishTimeout(settings.getDuration("event.publish-timeout", DEFAULT_PUBLISH_TIMEOUT))
                    .drainTimeout(settings.getDuration("event.drain-timeout", DEFAULT_DRAIN_TIMEOUT))
                    .concurrency(settings.getInt("event.concurrency", DEFAULT_CONCURRENCY))
                    .retryPolicy(retry)
                    .idempotencyKey(parseIdempotencyKey(settings.get("event.idempotency.key", "event-id")))
                    .source(settings.get("event.source").orElse(null))
                    .build();
        } catch (RuntimeException e) {
            driver.close(Duration.ZERO);
            throw e;
        }
    }

    /** Parses {@code event-id}, {@code natural-key} or {@code none}. */
    public static IdempotencyKey parseIdempotencyKey(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return IdempotencyKey.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw SwitchboardException.configuration("event.idempotency.key must be one of event-id, natural-key, "
                    + "none; got '" + value + "'");
        }
    }

    /** What this publisher promises: the driver's declaration plus the library's consumer-side deduplication. */
    public Capabilities capabilities() {
        return capabilities;
    }

    public SwitchboardMetrics metrics() {
        return counters.snapshot();
    }

    /** The driver's name, e.g. {@code in-memory}. */
    public String driverName() {
        return driver.name();
    }

    /** The driver itself or its native client, when it offers {@code type}; never {@code null}. */
    public <T> Optional<T> unwrap(Class<T> type) {
        if (type == null) {
            return Optional.empty();
        }
        if (type.isInstance(driver)) {
            return Optional.of(type.cast(driver));
        }
        Optional<T> fromDriver = driver.unwrap(type);
        return fromDriver == null ? Optional.empty() : fromDriver;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** The state of each component of the driver (for the hybrid driver: each leg); empty if it reports none. */
    public List<Health> health() {
        if (closed.get()) {
            return List.of(Health.down(driver.name(), "closed"));
        }
        List<Health> reported = driver.health();
        return reported == null ? List.of() : List.copyOf(reported);
    }

    @Override
    public <T> CompletableFuture<Event<T>> publish(Event<T> event) {
        final Event<T> prepared;
        final OutboundMessage message;
        try {
            ensureOpen();
            if (event == null) {
                throw SwitchboardException.invalid("The event must not be null");
            }
            prepared = prepare(event);
            message = encode(prepared);
        } catch (SwitchboardException e) {
            counters.publishFailures.increment();
            return CompletableFuture.failedFuture(e);
        }
        return withDeadline(send(() -> driver.send(message)), prepared, 1, prepared);
    }

    /** As the interface's default, but an invalid type or null data is counted as a publish failure too. */
    @Override
    public <T> CompletableFuture<Event<T>> publish(String type, T data) {
        final Event<T> event;
        try {
            event = Event.of(type, data);
        } catch (SwitchboardException e) {
            counters.publishFailures.increment();
            return CompletableFuture.failedFuture(e);
        }
        return publish(event);
    }

    @Override
    public CompletableFuture<List<Event<?>>> publishAll(List<? extends Event<?>> events) {
        List<Event<?>> prepared = new ArrayList<>();
        List<OutboundMessage> messages = new ArrayList<>();
        try {
            ensureOpen();
            if (events == null) {
                throw SwitchboardException.invalid("The list of events must not be null");
            }
            SwitchboardException problems = null;
            int index = 0;
            for (Event<?> e : events) {
                try {
                    if (e == null) {
                        throw SwitchboardException.invalid("The event at index " + index + " is null");
                    }
                    Event<?> p = prepare(e);
                    messages.add(encode(p));
                    prepared.add(p);
                } catch (SwitchboardException invalid) {
                    if (problems == null) {
                        problems = SwitchboardException.of(invalid.reason(), "The batch was not sent: the event at "
                                + "index " + index + " is invalid (" + invalid.getMessage() + ")");
                    }
                    problems.addSuppressed(invalid);
                }
                index++;
            }
            if (problems != null) {
                throw problems;
            }
        } catch (SwitchboardException e) {
            counters.publishFailures.add(events == null ? 1 : Math.max(1, events.size()));
            return CompletableFuture.failedFuture(e);
        }
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<Event<?>> result = List.copyOf(prepared);
        return withDeadline(send(() -> driver.sendBatch(messages)), null, messages.size(), result);
    }

    @Override
    public <T> Subscription subscribe(SubscriptionRequest<T> request) {
        ensureOpen();
        if (request == null) {
            throw SwitchboardException.invalid("The subscription request must not be null");
        }
        RetryPolicy policy = request.retryPolicy() != null ? request.retryPolicy() : retryPolicy;
        IdempotencyKey key = request.idempotencyKey() != null ? request.idempotencyKey() : defaultIdempotencyKey;
        int concurrency = request.maxConcurrency() > 0 ? request.maxConcurrency() : defaultConcurrency;
        String id = "sub-" + subscriptionIds.incrementAndGet();
        String groupLabel = request.isBroadcast() ? "broadcast" : request.group();
        // Deduplication is per group and pattern: two handlers in one group with different patterns are independent.
        String scope = (request.isBroadcast() ? "broadcast:" + id : request.group()) + "|" + request.pattern();
        DeliveryPipeline<T> pipeline = new DeliveryPipeline<>(codec, request.dataType(), request.handler(),
                groupLabel, scope, policy, key, idempotencyStore, DEFAULT_CLAIM_LEASE, clock, counters);
        ConsumerSpec spec = new ConsumerSpec(id, request.pattern(), request.group(), concurrency, policy,
                drainTimeout);
        DriverSubscription running;
        try {
            running = driver.subscribe(spec, pipeline);
        } catch (SwitchboardException e) {
            throw e;
        } catch (RuntimeException e) {
            throw SwitchboardException.of(SwitchboardException.Reason.DRIVER_ERROR, "Driver " + driver.name()
                    + " failed to subscribe to " + request.pattern() + ": " + e, e);
        }
        if (running == null) {
            throw SwitchboardException.of(SwitchboardException.Reason.DRIVER_ERROR, "Driver " + driver.name()
                    + " returned no subscription for " + request.pattern());
        }
        SubscriptionHandle handle = new SubscriptionHandle(request.pattern(), request.group(), running);
        subscriptions.add(handle);
        if (closed.get()) { // closed while subscribing: do not leak the consumer
            handle.close();
            throw SwitchboardException.closed("The event publisher");
        }
        return handle;
    }

    /**
     * Stops accepting publishes, lets the driver flush what was accepted (up to the drain timeout), stops every
     * subscription (in-flight handlers get the drain timeout, then are cancelled and their events released for
     * redelivery), then closes the driver and its connections. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        awaitSending(deadline);
        try {
            driver.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Flushing driver " + driver.name() + " failed", e);
        }
        // Concurrently, so shutdown takes one drain deadline however many subscriptions have handlers in flight.
        List<Thread> closing = new ArrayList<>();
        for (SubscriptionHandle s : List.copyOf(subscriptions)) {
            Thread t = new Thread(() -> {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Closing " + s + " failed", e);
                }
            }, "switchboard-close-" + s.pattern());
            t.setDaemon(true);
            t.start();
            closing.add(t);
        }
        boolean interrupted = false;
        for (Thread t : closing) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // finish closing first: the driver must not close under running consumers
                }
            }
        }
        driver.close(drainTimeout);
        deadlines.stop(); // its thread ends when the publishes still open have ended
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Switchboard[driver=" + driver.name() + (closed.get() ? ", closed" : "") + "]";
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw SwitchboardException.closed("The event publisher (driver " + driver.name() + ")");
        }
    }

    /** Fills in correlation, causation, trace context and source. */
    private <T> Event<T> prepare(Event<T> event) {
        DeliveryContext handling = CurrentDelivery.get();
        String correlationId = event.correlationId();
        String causationId = event.causationId();
        String traceparent = event.headers().get("traceparent");
        if (handling != null) {
            Event<?> cause = handling.event();
            correlationId = correlationId != null ? correlationId : cause.correlationId();
            causationId = causationId != null ? causationId : cause.id();
            traceparent = traceparent != null ? traceparent : cause.headers().get("traceparent");
        }
        if (correlationId == null) {
            correlationId = EventIds.newCorrelationId();
        }
        String eventSource = event.source() != null ? event.source() : source;
        if (Objects.equals(correlationId, event.correlationId()) && Objects.equals(causationId, event.causationId())
                && Objects.equals(eventSource, event.source())
                && Objects.equals(traceparent, event.headers().get("traceparent"))) {
            return event;
        }
        Map<String, String> headers = event.headers();
        if (traceparent != null && !traceparent.equals(headers.get("traceparent"))) {
            headers = new LinkedHashMap<>(headers);
            headers.put("traceparent", traceparent);
        }
        // The constructor, not a builder: this runs for nearly every publish.
        return new Event<>(event.id(), event.type(), event.timestamp(), correlationId, causationId,
                event.aggregateId(), event.aggregateType(), event.version(), eventSource, event.schemaVersion(),
                headers, event.data(), event.extensions());
    }

    private OutboundMessage encode(Event<?> event) {
        byte[] payload;
        try {
            payload = codec.encode(event);
        } catch (SwitchboardException e) {
            throw e;
        } catch (RuntimeException e) {
            throw SwitchboardException.forEvent(SwitchboardException.Reason.UNSERIALIZABLE, event,
                    "The event's data could not be serialized: " + e.getMessage(), e);
        }
        if (payload.length > maxPayloadBytes) {
            throw SwitchboardException.forEvent(SwitchboardException.Reason.TOO_LARGE, event, "The encoded event is "
                    + payload.length + " bytes; the limit is " + maxPayloadBytes + " bytes (driver "
                    + driver.name() + "). Store large content elsewhere and publish a reference to it", null);
        }
        return new OutboundMessage(event.id(), event.type().value(), event.orderingKey(), payload, event.headers(),
                event.data() == null ? null : event.data().getClass());
    }

    /**
     * Hands a publish to the driver unless {@link #close()} has begun; a driver that throws or returns null still
     * yields a (failed) future. The publish is counted in {@link #sending}
     * while it is being handed over, so that close waits for it before it flushes: a publish that passed the check
     * is in the driver before the flush, and one that did not fails with {@code CLOSED}.
     */
    private CompletableFuture<Void> send(java.util.function.Supplier<CompletableFuture<Void>> call) {
        sending.increment();
        try {
            if (closed.get()) {
                return CompletableFuture.failedFuture(SwitchboardException.closed("The event publisher (driver "
                        + driver.name() + ")"));
            }
            CompletableFuture<Void> f = call.get();
            return f != null ? f : CompletableFuture.failedFuture(SwitchboardException.of(
                    SwitchboardException.Reason.DRIVER_ERROR, "Driver " + driver.name() + " returned no future"));
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        } finally {
            sending.decrement();
        }
    }

    /** Waits until no publish is being handed to the driver, at most until {@code deadlineNanos}. */
    private void awaitSending(long deadlineNanos) {
        boolean interrupted = false;
        while (sending.sum() > 0 && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The caller's future: {@code value} once the driver acknowledged {@code count} events, or the translated failure,
     * or {@code TIMEOUT} after the publish timeout.
     */
    private <R> CompletableFuture<R> withDeadline(CompletableFuture<Void> sent, Event<?> event, int count, R value) {
        if (sent.isDone()) {
            // Already acknowledged or failed (the in-memory driver enqueues synchronously): no deadline to watch
            // and no dependent future for this event.
            Throwable error = null;
            try {
                sent.join();
            } catch (CompletionException | CancellationException e) {
                error = e;
            }
            if (error == null) {
                counters.published.add(count);
                return CompletableFuture.completedFuture(value);
            }
            counters.publishFailures.add(count);
            return CompletableFuture.failedFuture(translate(error, event));
        }
        // The deadline completes only the caller's future, never the driver's own.
        Pending<R> result = new Pending<>(deadlines.deadlineFromNow(), event, count, value);
        sent.whenComplete(result::settle);
        if (!result.isDone()) {
            deadlines.watch(result);
        }
        return result;
    }

    /**
     * A publish's future: the first of the driver's answer and the deadline settles it. The winner counts the
     * publish before completing the future, so the metrics include a publish by the time its caller sees it done.
     */
    private final class Pending<R> extends PublishDeadlines.Watched<R> {
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Pending> SETTLED =
                AtomicIntegerFieldUpdater.newUpdater(Pending.class, "settled");

        private final Event<?> event;
        private final int count;
        private final R value;
        private volatile int settled;

        Pending(long deadlineNanos, Event<?> event, int count, R value) {
            super(deadlineNanos);
            this.event = event;
            this.count = count;
            this.value = value;
        }

        void settle(Object ok, Throwable error) {
            if (!SETTLED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (error == null) {
                counters.published.add(count);
                complete(value);
            } else {
                counters.publishFailures.add(count);
                completeExceptionally(translate(error, event));
            }
        }

        @Override
        protected void expire() {
            if (SETTLED.compareAndSet(this, 0, 1)) {
                counters.publishFailures.add(count);
                completeExceptionally(translate(new TimeoutException(), event));
            }
        }
    }

    private SwitchboardException translate(Throwable error, Event<?> event) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof SwitchboardException se) {
            if (se.eventId() != null || event == null) {
                return se;
            }
            return SwitchboardException.forEvent(se.reason(), event, se.getMessage(), se);
        }
        if (cause instanceof TimeoutException) {
            return SwitchboardException.forEvent(SwitchboardException.Reason.TIMEOUT, event, "No acknowledgement "
                    + "within the publish timeout of " + publishTimeout.toMillis() + " ms (driver " + driver.name()
                    + "); the event may still be delivered", cause);
        }
        if (cause instanceof InterruptedException || cause instanceof CancellationException) {
            return SwitchboardException.forEvent(SwitchboardException.Reason.INTERRUPTED, event,
                    "The publish was interrupted; the event may still be delivered", cause);
        }
        return SwitchboardException.forEvent(SwitchboardException.Reason.DRIVER_ERROR, event, "Driver "
                + driver.name() + " failed to publish: " + cause, cause);
    }

    /** The user's view of a running subscription; closing it removes it from the publisher. */
    private final class SubscriptionHandle implements Subscription {
        private final EventPattern pattern;
        private final String group;
        private final DriverSubscription running;
        private final AtomicBoolean open = new AtomicBoolean(true);

        SubscriptionHandle(EventPattern pattern, String group, DriverSubscription running) {
            this.pattern = pattern;
            this.group = group;
            this.running = running;
        }

        @Override
        public EventPattern pattern() {
            return pattern;
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public boolean isActive() {
            return open.get() && running.isActive();
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                try {
                    running.close();
                } finally {
                    subscriptions.remove(this);
                }
            }
        }

        @Override
        public String toString() {
            return "Subscription[" + pattern + (group == null ? ", broadcast" : ", group=" + group) + "]";
        }
    }

    /** Settings of a {@link Switchboard}; every value has the documented default. */
    public static final class Builder {
        private final EventDriver driver;
        private EventCodec codec;
        private Clock clock = Clock.systemUTC();
        private IdempotencyStore idempotencyStore;
        private IdempotencyKey idempotencyKey = IdempotencyKey.EVENT_ID;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int concurrency = DEFAULT_CONCURRENCY;
        private int maxPayloadBytes;
        private String source;

        private Builder(EventDriver driver) {
            this.driver = Objects.requireNonNull(driver, "driver");
        }

        /** The codec; default: the one found with {@code ServiceLoader} (JSON). */
        public Builder codec(EventCodec codec) {
            this.codec = codec;
            return this;
        }

        /** The clock for dead-letter times and deduplication windows; default: system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where handled keys are remembered; default: an in-memory store (1 h window, 100,000 keys). */
        public Builder idempotencyStore(IdempotencyStore store) {
            this.idempotencyStore = store;
            return this;
        }

        /** The default deduplication key for subscriptions; default: {@link IdempotencyKey#EVENT_ID}. */
        public Builder idempotencyKey(IdempotencyKey key) {
            this.idempotencyKey = Objects.requireNonNull(key, "idempotencyKey");
            return this;
        }

        /** The default retry policy for subscriptions; default: {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /** How long a publish may wait for the driver's acknowledgement; default 10 s. */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = positive(timeout, "event.publish-timeout");
            return this;
        }

        /** How long closing waits for in-flight handlers; default 10 s. */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Objects.requireNonNull(timeout, "drainTimeout");
            if (timeout.isNegative()) {
                throw SwitchboardException.configuration("event.drain-timeout must be >= 0, got " + timeout);
            }
            return this;
        }

        /** Default handler concurrency per subscription; default 4. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw SwitchboardException.configuration("event.concurrency must be >= 1, got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** A payload limit below the driver's; default: the driver's. */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1) {
                throw SwitchboardException.configuration("event.max-payload-bytes must be >= 1, got " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /** The {@code source} written on events that have none (e.g. the application name); default none. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Switchboard build() {
            return new Switchboard(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw SwitchboardException.configuration(name + " must be > 0, got " + d);
            }
            return d;
        }
    }
}
