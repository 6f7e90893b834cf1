package io.switchboard.hybrid.internal;

import io.switchboard.Capabilities;
import io.switchboard.Health;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A queue leg that could not be built at start-up ({@code event.hybrid.startup=degraded}, broker unreachable): it is
 * built again in the background with capped exponential back-off until it exists. Meanwhile sends fail at once with
 * {@code UNAVAILABLE}, subscriptions are remembered and attached when the leg is built, health is DOWN, and the
 * capabilities are the ones declared up front (derived from the leg's options without connecting). Once built, every
 * call goes to the real leg. {@link #close(Duration)} stops the retries and closes the leg if it was built.
 */
public final class PendingQueueLeg implements EventDriver {

    private static final System.Logger LOG = System.getLogger(PendingQueueLeg.class.getName());
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final String name;
    private final Supplier<EventDriver> builder;
    private final Capabilities declared;
    private final Duration minWait;
    private final Duration maxWait;
    private final ScheduledExecutorService retries;
    private final List<Pending> pending = new ArrayList<>();
    private volatile EventDriver leg;
    private volatile boolean closed;
    private volatile String lastError;
    private volatile int attempts;
    private volatile Runnable onReady = () -> { };
    private long lastWarning;

    /**
     * Starts building the leg in the background; {@code firstFailure} is why the first attempt (made by the caller)
     * failed. {@code builder} must throw {@code UNAVAILABLE} or {@code TIMEOUT} while the broker is unreachable; any
     * other failure (bad credentials, bad configuration) stops the retries, and is logged and reported by health.
     */
    public PendingQueueLeg(String name, Supplier<EventDriver> builder, Capabilities declared, Duration minWait,
            Duration maxWait, SwitchboardException firstFailure) {
        this.name = Objects.requireNonNull(name, "name");
        this.builder = Objects.requireNonNull(builder, "builder");
        this.declared = Objects.requireNonNull(declared, "declared");
        this.minWait = minWait;
        this.maxWait = maxWait.compareTo(minWait) < 0 ? minWait : maxWait;
        this.lastError = firstFailure.getMessage();
        this.attempts = 1;
        this.lastWarning = System.nanoTime();
        LOG.log(System.Logger.Level.WARNING, "Hybrid queue leg ({0}) unreachable at start-up; starting without it "
                + "(event.hybrid.startup=degraded), publishes fail with UNAVAILABLE until it is connected, retrying in "
                + "the background: {1}", name, lastError);
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-hybrid-queue-leg-" + name + "-connect");
            t.setDaemon(true);
            return t;
        });
        schedule();
    }

    /** Runs {@code action} once the leg has been built and its remembered subscriptions attached. */
    public void onReady(Runnable action) {
        this.onReady = Objects.requireNonNull(action, "action");
    }

    /** Whether the real leg has been built. */
    public boolean isReady() {
        return leg != null;
    }

    /** The real leg once built, else this placeholder. */
    public EventDriver current() {
        EventDriver current = leg;
        return current != null ? current : this;
    }

    private void schedule() {
        long base = minWait.toMillis() << Math.min(attempts - 1, 16);
        long delay = Math.min(Math.max(base, minWait.toMillis()), maxWait.toMillis());
        delay += ThreadLocalRandom.current().nextLong(delay / 5 + 1);
        try {
            retries.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
            // close() stopped the retries.
        }
    }

    private void attempt() {
        if (closed) {
            return;
        }
        EventDriver built;
        try {
            built = builder.get();
        } catch (SwitchboardException e) {
            attempts++;
            lastError = e.getMessage();
            if (e.reason() != SwitchboardException.Reason.UNAVAILABLE
                    && e.reason() != SwitchboardException.Reason.TIMEOUT) {
                LOG.log(System.Logger.Level.ERROR, "Hybrid queue leg ({0}) cannot be built ({1}); not retrying: {2}",
                        name, e.reason(), lastError);
                return;
            }
            warnAtMostEvery30s();
            schedule();
            return;
        } catch (RuntimeException e) {
            attempts++;
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            warnAtMostEvery30s();
            schedule();
            return;
        }
        List<Pending> toAttach;
        synchronized (this) {
            if (closed) {
                built.close(Duration.ZERO);
                return;
            }
            Capabilities actual = built.capabilities();
            if (actual == null || !declared.equals(actual.toBuilder().durability(declared.durability()).build())
                    || actual.durability().compareTo(declared.durability()) < 0) {
                LOG.log(System.Logger.Level.WARNING, "Hybrid queue leg ({0}) declares {1} once connected, but "
                        + "{2} was declared at start-up; the hybrid keeps the start-up declaration", name, actual,
                        declared);
            }
            toAttach = List.copyOf(pending);
            pending.clear();
            for (Pending p : toAttach) {
                try {
                    p.attached = built.subscribe(p.spec, p.handler);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "Hybrid queue leg ({0}): the subscription {1} registered while "
                            + "it was down could not be attached: {2}", name, p.spec, e.getMessage());
                }
            }
            leg = built;
        }
        LOG.log(System.Logger.Level.INFO, "Hybrid queue leg ({0}) connected after {1} attempts; {2} subscription(s) "
                + "attached", name, attempts, toAttach.size());
        onReady.run();
    }

    private void warnAtMostEvery30s() {
        long now = System.nanoTime();
        if (now - lastWarning >= WARN_EVERY_NANOS) {
            lastWarning = now;
            LOG.log(System.Logger.Level.WARNING, "Hybrid queue leg ({0}) still unreachable after {1} attempts, "
                    + "retrying: {2}", name, attempts, lastError);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "Hybrid queue leg ({0}) attempt {1} failed: {2}", name, attempts,
                    lastError);
        }
    }

    private SwitchboardException notConnected() {
        return SwitchboardException.of(SwitchboardException.Reason.UNAVAILABLE, "The hybrid driver's queue leg ("
                + name + ") is not connected yet (started with event.hybrid.startup=degraded; " + attempts
                + " attempts so far); nothing was published. Last error: " + lastError);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Capabilities capabilities() {
        return declared;
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        EventDriver current = leg;
        return current != null ? current.send(message) : CompletableFuture.failedFuture(notConnected());
    }

    @Override
    public CompletableFuture<Void> sendBatch(List<OutboundMessage> messages) {
        EventDriver current = leg;
        return current != null ? current.sendBatch(messages) : CompletableFuture.failedFuture(notConnected());
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        synchronized (this) {
            if (closed) {
                throw SwitchboardException.closed("The hybrid driver's queue leg (" + name + ")");
            }
            if (leg == null) {
                Pending p = new Pending(spec, handler);
                pending.add(p);
                return p;
            }
        }
        return leg.subscribe(spec, handler);
    }

    @Override
    public void flush(Duration timeout) {
        EventDriver current = leg;
        if (current != null) {
            current.flush(timeout);
        }
    }

    /** DOWN until built; then the leg's own health (empty if it reports none). */
    @Override
    public List<Health> health() {
        EventDriver current = leg;
        if (current != null) {
            List<Health> own = current.health();
            return own == null ? List.of() : own;
        }
        return List.of(Health.down("connection", "not connected since start-up (" + attempts + " attempts"
                + (closed ? ", closed" : ", retrying") + "): " + lastError));
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        EventDriver current = leg;
        if (type == null || current == null) {
            return Optional.empty();
        }
        Optional<T> result = current.unwrap(type);
        return result == null ? Optional.empty() : result;
    }

    @Override
    public void close(Duration drainTimeout) {
        EventDriver current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = leg;
            pending.clear();
        }
        retries.shutdownNow();
        if (current != null) {
            current.close(drainTimeout);
        }
    }

    @Override
    public String toString() {
        return "PendingQueueLeg[" + name + ", " + (leg != null ? "connected" : "not connected") + "]";
    }

    /** A subscription registered while the leg is down; attached when it is built. */
    private final class Pending implements DriverSubscription {
        private final ConsumerSpec spec;
        private final MessageHandler handler;
        private volatile DriverSubscription attached;
        private volatile boolean cancelled;

        Pending(ConsumerSpec spec, MessageHandler handler) {
            this.spec = spec;
            this.handler = handler;
        }

        @Override
        public boolean isActive() {
            DriverSubscription s = attached;
            return !cancelled && !closed && (s == null || s.isActive());
        }

        @Override
        public void close() {
            cancelled = true;
            synchronized (PendingQueueLeg.this) {
                pending.remove(this);
            }
            DriverSubscription s = attached;
            if (s != null) {
                s.close();
            }
        }
    }
}
