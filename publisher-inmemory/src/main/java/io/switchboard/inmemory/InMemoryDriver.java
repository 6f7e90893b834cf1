package io.switchboard.inmemory;

import io.switchboard.Capabilities;
import io.switchboard.DeadLetter;
import io.switchboard.DriverSelection;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.inmemory.internal.ConsumerGroup;
import io.switchboard.inmemory.internal.ConsumerGroup.Delivery;
import io.switchboard.inmemory.internal.Scheduler;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The reference driver ({@code EVENT_DRIVER=in-memory}): events go from publisher to handlers inside this JVM,
 * through one bounded buffer per consumer group and per broadcast subscription. It is what application unit tests
 * use, and the executable reference of the compatibility test kit. Build it with options and put a
 * {@link io.switchboard.Switchboard} in front of it; give both the same {@link ManualClock} to control retry timing.
 *
 * <p><b>Semantics</b> (see {@link #capabilities()}): at-least-once for groups; a publish completes once the event is
 * in the buffer of every matching group and open broadcast subscription. A group is created by its first
 * subscription and keeps its buffer for the driver's lifetime, also while it has no members, so events survive a
 * consumer restart; a group created later starts with later events. Closing the publisher first lets open
 * members handle what is buffered ({@link #flush(Duration)}, within the drain timeout). Nothing survives the process
 * or {@link #close(Duration)}: the buffers live in this JVM's memory only.
 *
 * <p><b>Backpressure.</b> Each buffer holds at most {@link InMemoryOptions#bufferSize()} events until they are
 * acknowledged or dead-lettered. Publishing into a full buffer blocks the publishing thread up to
 * {@link InMemoryOptions#blockTimeout()}, then fails with {@code UNAVAILABLE}, and the event was enqueued nowhere.
 *
 * <p><b>Order.</b> Within a group, an event is not handed out while an earlier event with the same ordering key is
 * being handled or waiting for a retry; events with different keys (or no key) run in parallel. Handlers run on
 * daemon threads named {@code switchboard-inmemory-N}, never on the publisher's thread.
 *
 * <p>Dead-lettered events are kept in {@link #deadLetters()}.
 */
public final class InMemoryDriver implements EventDriver {

    /** The largest batch enqueued as one all-or-nothing unit (unless the buffer is smaller). */
    public static final int MAX_BATCH_SIZE = 10_000;
    private static final Duration MAX_DELIVERY_LATENCY = Duration.ofMillis(100);
    private static final Duration MAX_REDELIVERY_LATENCY = Duration.ofMillis(100);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final InMemoryOptions options;
    private final Capabilities capabilities;
    private final ExecutorService handlers;
    /** Timers for a real clock; {@code null} with a {@link ManualClock}, which runs them itself. */
    private final ScheduledExecutorService timer;
    private final ConsumerGroup.Services services;
    private final Map<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private final List<ConsumerGroup> broadcasts = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    /** Sends delayed by the fault hook and not yet enqueued; failed by close. */
    private final Set<CompletableFuture<Void>> delayedSends = ConcurrentHashMap.newKeySet();
    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong groupOrder = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Set when the publisher starts closing (flush or close). A send that reserved its places but has not enqueued
     * yet then fails instead: enqueued after the flush, it could be dropped with the group's members gone. Sends
     * enqueue under the read lock, the flag is set under the write lock, so a send either enqueued before the flush
     * began (and is flushed) or sees the flag.
     */
    private boolean closing;
    private final ReentrantReadWriteLock closingLock = new ReentrantReadWriteLock();

    /** A driver with {@link InMemoryOptions#defaults()}. */
    public InMemoryDriver() {
        this(InMemoryOptions.defaults());
    }

    public InMemoryDriver(InMemoryOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.capabilities = Capabilities.builder()
                .delivery(Capabilities.Delivery.AT_LEAST_ONCE)
                .ordering(Capabilities.Ordering.PER_KEY)
                .orderingAcrossRetry(true)
                .durability(Capabilities.Durability.CONSUMER_RESTART)
                .competingConsumers(true)
                .fanOutGroups(true)
                .lateGroupStart(Capabilities.LateGroupStart.LATEST)
                .deadLettering(Capabilities.DeadLettering.LIBRARY)
                .batch(Capabilities.BatchMode.ATOMIC, Math.min(MAX_BATCH_SIZE, options.bufferSize()))
                .maxPayloadBytes(options.maxPayloadBytes())
                .attemptCounter(true)
                .destinations(Capabilities.DestinationPolicy.AUTO_CREATE)
                .maxDeliveryLatency(MAX_DELIVERY_LATENCY)
                .maxRedeliveryLatency(MAX_REDELIVERY_LATENCY)
                .build();
        this.handlers = Executors.newCachedThreadPool(daemonThreads("switchboard-inmemory-"));
        Scheduler scheduler;
        if (options.clock() instanceof ManualClock manual) {
            this.timer = null;
            scheduler = (delay, task) -> {
                if (closed.get()) {
                    throw new RejectedExecutionException("The in-memory driver is closed");
                }
                manual.schedule(delay, task);
            };
        } else {
            this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("switchboard-inmemory-timer-"));
            scheduler = (delay, task) -> timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
        this.services = new ConsumerGroup.Services(handlers, scheduler, options.clock(), deadLetters::add);
    }

    @Override
    public String name() {
        return DriverSelection.IN_MEMORY;
    }

    /**
     * At-least-once; per-key order, also across retries; durable across consumer restarts but not process restarts;
     * competing consumers and fan-out; late groups start with later events; dead-lettering by the library; atomic
     * batches up to {@link #MAX_BATCH_SIZE} events (a longer batch goes as consecutive atomic parts); exact attempt
     * counter; destinations need no set-up.
     */
    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    public InMemoryOptions options() {
        return options;
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        return enqueueAll(List.of(message));
    }

    /**
     * Enqueues the batch all or nothing: capacity for every event in every target buffer is reserved first. A batch
     * longer than {@link Capabilities#maxBatchSize()} is sent as consecutive parts of that size, each all or nothing;
     * a failed part stops the rest.
     */
    @Override
    public CompletableFuture<Void> sendBatch(List<OutboundMessage> messages) {
        int size = capabilities.maxBatchSize();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += size) {
            CompletableFuture<Void> part = enqueueAll(messages.subList(from, Math.min(messages.size(), from + size)));
            parts.add(part);
            if (part.isCompletedExceptionally()) {
                break;
            }
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        ensureOpen();
        ConsumerGroup group;
        if (spec.isBroadcast()) {
            group = ConsumerGroup.broadcast(spec.id(), spec.pattern(), groupOrder.incrementAndGet(),
                    options.bufferSize(), services, broadcasts::remove);
            broadcasts.add(group);
        } else {
            // Group names and patterns cannot contain spaces, so the key is unambiguous.
            group = groups.computeIfAbsent(spec.group() + " " + spec.pattern(), k -> ConsumerGroup.group(
                    spec.group(), spec.pattern(), groupOrder.incrementAndGet(), options.bufferSize(), services));
        }
        DriverSubscription subscription = group.join(spec, handler);
        if (closed.get()) { // closed while subscribing: do not leave a consumer behind
            subscription.close();
            ensureOpen();
        }
        return subscription;
    }

    /** The events dead-lettered so far, oldest first; an immutable snapshot. */
    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public void clearDeadLetters() {
        deadLetters.clear();
    }

    /**
     * The events held for group {@code group} with {@code pattern}: buffered, waiting for their key, in flight or
     * waiting for a retry (never more than the buffer size); 0 if there is no such group.
     */
    public int pending(String group, String pattern) {
        ConsumerGroup g = groups.get(group + " " + pattern);
        return g == null ? 0 : g.pending();
    }

    /**
     * Waits until the events already buffered have been handled by the groups' open members (retries included),
     * at most {@code timeout}. Groups without members keep their events until the driver closes.
     */
    @Override
    public void flush(Duration timeout) {
        startClosing();
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        List<ConsumerGroup> all = new ArrayList<>(groups.values());
        all.addAll(broadcasts);
        for (ConsumerGroup g : all) {
            g.awaitDrained(deadline);
        }
    }

    /**
     * Stops everything: sends fail with {@code CLOSED} from now on, subscriptions still open are closed (their
     * handlers get the smaller of their drain timeout and {@code drainTimeout}), buffered events are dropped, and the
     * driver's threads are stopped. Idempotent.
     */
    @Override
    public void close(Duration drainTimeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        startClosing();
        Duration drain = drainTimeout == null || drainTimeout.isNegative() ? Duration.ZERO : drainTimeout;
        long deadline = System.nanoTime() + drain.toNanos();
        List<ConsumerGroup> all = new ArrayList<>(groups.values());
        all.addAll(broadcasts);
        for (ConsumerGroup g : all) {
            g.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        for (CompletableFuture<Void> f : delayedSends) {
            f.completeExceptionally(SwitchboardException.closed("The in-memory driver"));
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            handlers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "InMemoryDriver[" + groups.size() + " group(s), " + broadcasts.size() + " broadcast subscription(s)"
                + (closed.get() ? ", closed" : "") + "]";
    }

    /**
     * Consults the fault hook, reserves capacity for every copy in every target buffer (waiting up to the block
     * timeout), then enqueues. Either everything is enqueued, or nothing and the future fails.
     */
    private CompletableFuture<Void> enqueueAll(List<OutboundMessage> messages) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(SwitchboardException.closed("The in-memory driver"));
        }
        for (OutboundMessage m : messages) {
            if (m.payload().length > options.maxPayloadBytes()) {
                return CompletableFuture.failedFuture(SwitchboardException.forEvent(Reason.TOO_LARGE, m.eventId(),
                        m.type(), null, "The encoded event is " + m.payload().length + " bytes; the limit is "
                                + options.maxPayloadBytes() + " bytes (" + InMemoryOptions.MAX_PAYLOAD_BYTES + ")",
                        null));
            }
        }
        List<Copy> copies = new ArrayList<>();
        for (OutboundMessage m : messages) {
            FaultHook.Decision decision = options.faultHook().onSend(m);
            FaultHook.Decision.Kind kind = decision == null ? FaultHook.Decision.Kind.DELIVER : decision.kind();
            int count = switch (kind) {
                case DROP -> 0;
                case DUPLICATE -> 2;
                case DELIVER, DELAY -> 1;
            };
            List<ConsumerGroup> targets = targetsOf(m.type());
            for (int i = 0; i < count; i++) {
                Delivery delivery = Delivery.first(m, Long.toString(messageIds.incrementAndGet()));
                copies.add(new Copy(delivery, kind == FaultHook.Decision.Kind.DELAY ? decision.delay() : null,
                        targets));
            }
        }

        Map<ConsumerGroup, Integer> slots = new TreeMap<>(Comparator.comparingLong(ConsumerGroup::order));
        for (Copy c : copies) {
            for (ConsumerGroup g : c.targets) {
                slots.merge(g, 1, Integer::sum);
            }
        }
        SwitchboardException refused = reserve(slots, messages);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }

        closingLock.readLock().lock();
        try {
            if (closing) {
                slots.forEach(ConsumerGroup::release);
                return CompletableFuture.failedFuture(failure(Reason.CLOSED, messages, null, "The publisher is "
                        + "closing; the event was not enqueued"));
            }
            return enqueueReserved(messages, copies);
        } finally {
            closingLock.readLock().unlock();
        }
    }

    /** Enqueues copies whose places are reserved. */
    private CompletableFuture<Void> enqueueReserved(List<OutboundMessage> messages, List<Copy> copies) {
        Map<ConsumerGroup, List<Delivery>> now = new LinkedHashMap<>();
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (Copy c : copies) {
            if (c.delay == null) {
                for (ConsumerGroup g : c.targets) {
                    now.computeIfAbsent(g, k -> new ArrayList<>()).add(c.delivery);
                }
            } else {
                later.add(enqueueLater(c));
            }
        }
        boolean enqueued = true;
        for (Map.Entry<ConsumerGroup, List<Delivery>> e : now.entrySet()) {
            // Only closing refuses, and a broadcast subscription that closed meanwhile simply misses the event.
            enqueued &= e.getKey().enqueue(e.getValue()) || e.getKey().isBroadcast();
        }
        if (!enqueued) {
            return CompletableFuture.failedFuture(failure(Reason.CLOSED, messages, null,
                    "The in-memory driver closed while the event was being enqueued"));
        }
        return later.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(later.toArray(CompletableFuture[]::new));
    }

    private void startClosing() {
        closingLock.writeLock().lock();
        try {
            closing = true;
        } finally {
            closingLock.writeLock().unlock();
        }
    }

    private List<ConsumerGroup> targetsOf(String type) {
        List<ConsumerGroup> targets = new ArrayList<>();
        for (ConsumerGroup g : groups.values()) {
            if (g.matches(type)) {
                targets.add(g);
            }
        }
        for (ConsumerGroup g : broadcasts) {
            if (g.matches(type)) {
                targets.add(g);
            }
        }
        return targets;
    }

    /** Takes the slots in every buffer, in a fixed order; on any failure gives back what it took. */
    private SwitchboardException reserve(Map<ConsumerGroup, Integer> slots, List<OutboundMessage> messages) {
        long deadline = System.nanoTime() + options.blockTimeout().toNanos();
        Map<ConsumerGroup, Integer> taken = new LinkedHashMap<>();
        SwitchboardException problem = null;
        for (Map.Entry<ConsumerGroup, Integer> e : slots.entrySet()) {
            ConsumerGroup g = e.getKey();
            int n = e.getValue();
            if (n > g.bufferSize()) {
                problem = failure(Reason.REJECTED, messages, g.label(), "The batch needs " + n + " places in the "
                        + "buffer of " + g.label() + ", which holds at most " + g.bufferSize() + " ("
                        + InMemoryOptions.BUFFER_SIZE + "); nothing was enqueued");
                break;
            }
            try {
                if (!g.reserve(n, deadline - System.nanoTime())) {
                    problem = failure(Reason.UNAVAILABLE, messages, g.label(), "The buffer of " + g.label()
                            + " is full: it holds its limit of " + g.bufferSize() + " events and none was "
                            + "acknowledged within the block timeout of " + options.blockTimeout().toMillis()
                            + " ms; nothing was enqueued. Its consumers are slower than its publishers: add members "
                            + "or concurrency, or raise " + InMemoryOptions.BUFFER_SIZE + " or "
                            + InMemoryOptions.BLOCK_TIMEOUT);
                    break;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                problem = failure(Reason.INTERRUPTED, messages, g.label(), "Interrupted while waiting for space in "
                        + "the buffer of " + g.label() + "; nothing was enqueued");
                break;
            }
            taken.put(g, n);
        }
        if (problem != null) {
            taken.forEach(ConsumerGroup::release);
        }
        return problem;
    }

    /** Enqueues a copy delayed by the fault hook once its delay has passed; its capacity is already reserved. */
    private CompletableFuture<Void> enqueueLater(Copy copy) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        delayedSends.add(done);
        done.whenComplete((ok, error) -> delayedSends.remove(done));
        Runnable enqueue = () -> {
            boolean enqueued = true;
            closingLock.readLock().lock();
            try {
                if (closing) {
                    copy.targets.forEach(g -> g.release(1));
                    enqueued = false;
                } else {
                    for (ConsumerGroup g : copy.targets) {
                        enqueued &= g.enqueue(List.of(copy.delivery)) || g.isBroadcast();
                    }
                }
            } finally {
                closingLock.readLock().unlock();
            }
            if (enqueued) {
                done.complete(null);
            } else {
                done.completeExceptionally(SwitchboardException.closed("The in-memory driver"));
            }
        };
        try {
            services.scheduler().schedule(copy.delay, enqueue);
        } catch (RejectedExecutionException driverClosed) {
            done.completeExceptionally(SwitchboardException.closed("The in-memory driver"));
        }
        if (closed.get()) { // close may have missed this send when it failed the pending ones
            done.completeExceptionally(SwitchboardException.closed("The in-memory driver"));
        }
        return done;
    }

    private static SwitchboardException failure(Reason reason, List<OutboundMessage> messages, String destination,
            String text) {
        if (messages.size() == 1) {
            OutboundMessage m = messages.get(0);
            return SwitchboardException.forEvent(reason, m.eventId(), m.type(), destination, text, null);
        }
        return SwitchboardException.of(reason, text + " (batch of " + messages.size() + " events)");
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw SwitchboardException.closed("The in-memory driver");
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        return runnable -> {
            Thread t = new Thread(runnable, prefix + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One copy of a message to enqueue, its fault delay ({@code null}: none) and its target buffers. */
    private record Copy(Delivery delivery, Duration delay, List<ConsumerGroup> targets) {
    }
}
