package io.switchboard.tck.reference;

import io.switchboard.Capabilities;
import io.switchboard.Health;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import io.switchboard.tck.reference.ReferenceBroker.Group;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal correct driver for the kit's self-proof: a client of a {@link ReferenceBroker}, with its own handler
 * threads. A send completes once the broker has the event in every matching group (its durability point). Closing
 * the driver with subscriptions still open is a crash: the broker takes their in-flight deliveries back at once.
 * The broker's {@link Flaw}s turn it into the broken drivers of TCK.md.
 */
public final class ReferenceDriver implements EventDriver {

    public static final Capabilities CAPABILITIES = Capabilities.builder()
            .delivery(Capabilities.Delivery.AT_LEAST_ONCE)
            .ordering(Capabilities.Ordering.PER_KEY)
            .orderingAcrossRetry(true)
            .durability(Capabilities.Durability.BROKER_RESTART)
            .competingConsumers(true)
            .fanOutGroups(true)
            .lateGroupStart(Capabilities.LateGroupStart.LATEST)
            .deadLettering(Capabilities.DeadLettering.LIBRARY)
            .batch(Capabilities.BatchMode.ATOMIC, 1_000)
            .maxPayloadBytes(1024 * 1024)
            .attemptCounter(true)
            .destinations(Capabilities.DestinationPolicy.AUTO_CREATE)
            .maxDeliveryLatency(Duration.ofMillis(100))
            .maxRedeliveryLatency(Duration.ofMillis(100))
            .build();
    private static final Duration LINGER = Duration.ofMillis(300);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ReferenceBroker broker;
    private final Capabilities capabilities;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "reference-driver-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final Set<Group.Member> members = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong deliveries = new AtomicLong();
    /** {@link Flaw#DROPS_ON_CLOSE}: acknowledged sends not yet forwarded to the broker. */
    private final List<OutboundMessage> outbox = new ArrayList<>();

    public ReferenceDriver(ReferenceBroker broker) {
        this(broker, CAPABILITIES);
    }

    /** With another declaration (for the kit's tests of a gate). */
    public ReferenceDriver(ReferenceBroker broker, Capabilities capabilities) {
        if (broker == null) {
            throw SwitchboardException.configuration("The reference driver needs a broker");
        }
        this.broker = broker;
        this.capabilities = capabilities;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        return sendBatch(List.of(message));
    }

    @Override
    public CompletableFuture<Void> sendBatch(List<OutboundMessage> messages) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(SwitchboardException.closed("The reference driver"));
        }
        for (OutboundMessage m : messages) {
            if (m.payload().length > capabilities.maxPayloadBytes()) {
                return CompletableFuture.failedFuture(SwitchboardException.forEvent(
                        SwitchboardException.Reason.TOO_LARGE, m.eventId(), m.type(), null, "The encoded event is "
                                + m.payload().length + " bytes; the limit is " + capabilities.maxPayloadBytes(), null));
            }
        }
        List<OutboundMessage> sent = messages;
        if (broker.flaws.contains(Flaw.LOSSY)) {
            sent = messages.stream().filter(m -> sends.incrementAndGet() % 100 != 0).toList();
            if (sent.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
        }
        if (broker.flaws.contains(Flaw.DROPS_ON_CLOSE)) {
            synchronized (outbox) {
                if (outbox.isEmpty()) {
                    broker.timer.schedule(this::forward, LINGER.toMillis(), TimeUnit.MILLISECONDS);
                }
                outbox.addAll(sent);
            }
            return CompletableFuture.completedFuture(null);
        }
        return broker.accept(sent);
    }

    private void forward() {
        List<OutboundMessage> batch;
        synchronized (outbox) {
            batch = List.copyOf(outbox);
            outbox.clear();
        }
        if (!batch.isEmpty() && !closed.get()) {
            broker.accept(batch); // a failure here is the flaw's loss
        }
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        if (closed.get()) {
            throw SwitchboardException.closed("The reference driver");
        }
        Group.Member member = broker.join(this, spec, handler);
        members.add(member);
        return member;
    }

    /** Waits until the groups this driver's open members belong to have nothing pending, at most {@code timeout}. */
    @Override
    public void flush(Duration timeout) {
        if (broker.flaws.contains(Flaw.DROPS_ON_CLOSE)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Group.Member m : List.copyOf(members)) {
            m.group().awaitDrained(this, deadline);
        }
    }

    /** Subscriptions still open are dropped as in a crash; handler threads are stopped. Idempotent. */
    @Override
    public void close(Duration drainTimeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (outbox) {
            outbox.clear();
        }
        for (Group.Member m : List.copyOf(members)) {
            m.group().crash(m);
        }
        members.clear();
        handlers.shutdownNow();
    }

    /** The broker's reachability, or always UP with {@link Flaw#HEALTH_ALWAYS_UP}. */
    @Override
    public List<Health> health() {
        boolean up = broker.flaws.contains(Flaw.HEALTH_ALWAYS_UP) || broker.isUp();
        return List.of(up ? Health.up("reference-broker", "") : Health.down("reference-broker", "unreachable"));
    }

    void execute(Runnable task) {
        handlers.execute(task);
    }

    void forget(Group.Member member) {
        if (!broker.flaws.contains(Flaw.LEAKS_CONSUMERS_ON_CLOSE)) {
            members.remove(member);
        }
    }

    long countDelivery() {
        return deliveries.incrementAndGet();
    }

    @Override
    public String toString() {
        return "ReferenceDriver" + broker.flaws;
    }
}
