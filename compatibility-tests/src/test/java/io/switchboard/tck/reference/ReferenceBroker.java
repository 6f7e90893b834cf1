package io.switchboard.tck.reference;

import io.switchboard.DeadLetter;
import io.switchboard.EventPattern;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import io.switchboard.tck.BrokerControl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process broker behind {@link ReferenceDriver}s: one per fixture, shared by every driver the fixture
 * creates, so its state outlives driver instances (durability across broker restarts). It is its own
 * {@link BrokerControl}: while stopped, killed or cut off, sends fail with {@code UNAVAILABLE}, nothing is dispatched,
 * and outcomes reported meanwhile are lost (the delivery comes again); while frozen, sends wait until the thaw. The
 * state is kept throughout. Hybrid mode adds a broadcast leg with its own control: broadcast subscriptions then get
 * only the real-time types, and only while that leg is up; publishing never depends on it.
 *
 * <p>Groups (name and pattern) are created by their first member, start with later events, and keep their backlog
 * while they have no member. One lock per group; a key is busy from the moment one of its events is ready until
 * that event is acknowledged or dead-lettered, retries included, so per-key order holds across retries.
 */
public final class ReferenceBroker implements BrokerControl, AutoCloseable {

    private enum State { UP, DOWN, FROZEN }

    final Set<Flaw> flaws;
    private final EventPattern realTimePattern;
    private final Object stateLock = new Object();
    private volatile State state = State.UP;
    private final List<Runnable> heldWhileFrozen = new ArrayList<>(); // guarded by stateLock
    private volatile boolean broadcastLegUp = true;
    private final Object sendLock = new Object();
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final List<Group> broadcasts = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong broadcastMisses = new AtomicLong();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reference-broker-timer");
        t.setDaemon(true);
        return t;
    });

    /** A broker; with a {@code realTimePattern}, a hybrid one. */
    public ReferenceBroker(Set<Flaw> flaws, String realTimePattern) {
        this.flaws = flaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : EnumSet.copyOf(flaws);
        this.realTimePattern = realTimePattern == null ? null : EventPattern.of(realTimePattern);
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    // ---------------------------------------------------------------------------------------------- control

    @Override
    public Set<Fault> supported() {
        return EnumSet.allOf(Fault.class);
    }

    @Override
    public void stop() {
        state = State.DOWN;
    }

    @Override
    public void kill() {
        state = State.DOWN;
    }

    @Override
    public void cut() {
        state = State.DOWN;
    }

    @Override
    public void freeze() {
        synchronized (stateLock) {
            state = State.FROZEN;
        }
    }

    @Override
    public void start() {
        List<Runnable> held;
        synchronized (stateLock) {
            state = State.UP;
            held = List.copyOf(heldWhileFrozen);
            heldWhileFrozen.clear();
        }
        held.forEach(Runnable::run);
        groups.values().forEach(Group::dispatchLocked);
        broadcasts.forEach(Group::dispatchLocked);
    }

    @Override
    public void thaw() {
        start();
    }

    @Override
    public void restore() {
        start();
    }

    /** The broadcast leg's control (hybrid mode): restart or partition, which only stop broadcast copies. */
    public BrokerControl broadcastLeg() {
        return new BrokerControl() {
            @Override
            public Set<Fault> supported() {
                return EnumSet.of(Fault.RESTART, Fault.PARTITION);
            }

            @Override
            public void stop() {
                broadcastLegUp = false;
                if (flaws.contains(Flaw.BROADCAST_NEVER_RECONNECTS)) {
                    broadcasts.forEach(g -> g.severed = true);
                }
            }

            @Override
            public void start() {
                broadcastLegUp = true;
            }

            @Override
            public void cut() {
                stop();
            }

            @Override
            public void restore() {
                start();
            }
        };
    }

    boolean isUp() {
        return state == State.UP;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------- sending

    /** Enqueues every message in every matching group and broadcast subscription, all or nothing. */
    CompletableFuture<Void> accept(List<OutboundMessage> messages) {
        synchronized (stateLock) {
            if (state == State.FROZEN) {
                CompletableFuture<Void> later = new CompletableFuture<>();
                heldWhileFrozen.add(() -> accept(messages).whenComplete((ok, e) -> {
                    if (e == null) {
                        later.complete(null);
                    } else {
                        later.completeExceptionally(e);
                    }
                }));
                return later;
            }
        }
        if (state == State.DOWN) {
            OutboundMessage m = messages.get(0);
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(SwitchboardException.Reason.UNAVAILABLE,
                    m.eventId(), m.type(), null, "The reference broker is down", null));
        }
        if (flaws.contains(Flaw.PUBLISH_NEEDS_BROADCAST_LEG) && !broadcastLegUp
                && messages.stream().anyMatch(m -> realTimePattern != null && realTimePattern.matches(m.type()))) {
            OutboundMessage m = messages.get(0);
            return CompletableFuture.failedFuture(SwitchboardException.forEvent(SwitchboardException.Reason.UNAVAILABLE,
                    m.eventId(), m.type(), null, "The broadcast leg is down", null));
        }
        synchronized (sendLock) {
            for (OutboundMessage m : messages) {
                for (Group g : groups.values()) {
                    if (g.pattern.matches(m.type())) {
                        g.enqueue(new Delivery(m, Long.toString(messageIds.incrementAndGet()), 1, null));
                    }
                }
                boolean broadcast = realTimePattern == null || realTimePattern.matches(m.type());
                if (broadcast && realTimePattern != null && !broadcastLegUp) {
                    broadcastMisses.incrementAndGet(); // the broadcast leg is down: live subscribers miss it
                    continue;
                }
                for (Group g : broadcasts) {
                    if (broadcast && !g.severed && g.pattern.matches(m.type())) {
                        g.enqueue(new Delivery(m, Long.toString(messageIds.incrementAndGet()), 1, null));
                    }
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    // ---------------------------------------------------------------------------------------------- consuming

    /** Adds a member to its group (created by its first member) or opens a broadcast subscription. */
    Group.Member join(ReferenceDriver owner, ConsumerSpec spec, MessageHandler handler) {
        Group group;
        if (spec.isBroadcast()) {
            group = new Group(spec.pattern(), true);
            broadcasts.add(group);
        } else {
            group = groups.computeIfAbsent(spec.group() + " " + spec.pattern(), k -> new Group(spec.pattern(), false));
        }
        return group.join(owner, spec, handler);
    }

    /** One copy of a message in a group, with its attempt state. */
    record Delivery(OutboundMessage message, String messageId, int attempt, Instant firstFailureAt) {
        Delivery next(Instant firstFailure) {
            return new Delivery(message, messageId, attempt + 1, firstFailure);
        }
    }

    /** A consumer group, or a broadcast subscription (a group of one, discarded when it closes). */
    final class Group {
        final EventPattern pattern;
        final boolean broadcast;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        // Guarded by lock:
        private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
        private final Map<String, ArrayDeque<Delivery>> busyKeys = new HashMap<>();
        private final List<Member> members = new ArrayList<>();
        private final Set<String> delivered = new HashSet<>(); // for DEDUPS_BEFORE_SUCCESS only
        private int nextMember;
        private int pending;
        private boolean discarded;
        /** {@link Flaw#BROADCAST_NEVER_RECONNECTS}: cut off for good. */
        volatile boolean severed;

        Group(EventPattern pattern, boolean broadcast) {
            this.pattern = pattern;
            this.broadcast = broadcast;
        }

        void enqueue(Delivery d) {
            lock.lock();
            try {
                if (discarded) {
                    return;
                }
                pending++;
                String key = d.message().key();
                if (key == null) {
                    ready.addLast(d);
                } else if (busyKeys.containsKey(key)) {
                    busyKeys.get(key).addLast(d);
                } else {
                    busyKeys.put(key, new ArrayDeque<>());
                    ready.addLast(d);
                }
                dispatch();
            } finally {
                lock.unlock();
            }
        }

        Member join(ReferenceDriver owner, ConsumerSpec spec, MessageHandler handler) {
            lock.lock();
            try {
                Member m = new Member(owner, spec, handler);
                members.add(m);
                dispatch();
                return m;
            } finally {
                lock.unlock();
            }
        }

        void dispatchLocked() {
            lock.lock();
            try {
                dispatch();
            } finally {
                lock.unlock();
            }
        }

        /** Hands ready deliveries to members with free concurrency, round-robin. Lock held. */
        private void dispatch() {
            while (isUp() && !ready.isEmpty()) {
                Member m = nextFreeMember();
                if (m == null) {
                    return;
                }
                Delivery d = ready.pollFirst();
                m.inFlight.add(d);
                try {
                    m.owner.execute(() -> run(m, d));
                } catch (RejectedExecutionException closing) {
                    m.inFlight.remove(d);
                    ready.addFirst(d);
                    return;
                }
            }
        }

        private Member nextFreeMember() {
            for (int i = 0; i < members.size(); i++) {
                int index = (nextMember + i) % members.size();
                Member m = members.get(index);
                if (m.inFlight.size() < m.spec.maxConcurrency()) {
                    nextMember = (index + 1) % members.size();
                    return m;
                }
            }
            return null;
        }

        /** On a handler thread of the member's driver. */
        private void run(Member m, Delivery d) {
            lock.lock();
            try {
                m.running.add(Thread.currentThread());
            } finally {
                lock.unlock();
            }
            try {
                if (flaws.contains(Flaw.ACKS_BEFORE_HANDLING)) {
                    complete(m, d, DeliveryOutcome.ACK);
                    invoke(m, d);
                    return;
                }
                if (flaws.contains(Flaw.DEDUPS_BEFORE_SUCCESS) && !firstDelivery(d)) {
                    complete(m, d, DeliveryOutcome.ACK);
                    return;
                }
                DeliveryOutcome outcome = invoke(m, d);
                if (flaws.contains(Flaw.DUPLICATING) && outcome instanceof DeliveryOutcome.Ack
                        && m.owner.countDelivery() % 20 == 0) {
                    invoke(m, d);
                }
                complete(m, d, outcome);
            } finally {
                lock.lock();
                try {
                    m.running.remove(Thread.currentThread());
                } finally {
                    lock.unlock();
                }
            }
        }

        private boolean firstDelivery(Delivery d) {
            lock.lock();
            try {
                return delivered.add(d.message().eventId());
            } finally {
                lock.unlock();
            }
        }

        private DeliveryOutcome invoke(Member m, Delivery d) {
            InboundMessage inbound = new InboundMessage(d.message().payload(), d.message().type(), d.attempt(),
                    d.firstFailureAt(), d.messageId());
            try {
                DeliveryOutcome outcome = m.handler.handle(inbound);
                if (outcome != null) {
                    return outcome;
                }
            } catch (RuntimeException | Error brokenContract) {
                // MessageHandler never throws; if it does, retry after the policy's back-off rather than lose it
            }
            return new DeliveryOutcome.Retry(m.spec.retryPolicy().delayAfter(d.attempt()),
                    d.firstFailureAt() != null ? d.firstFailureAt() : Instant.now(), null);
        }

        /** Applies a handler's outcome; ignored if the member crashed meanwhile (its deliveries went back). */
        private void complete(Member m, Delivery d, DeliveryOutcome outcome) {
            lock.lock();
            try {
                if (!m.inFlight.remove(d)) {
                    return;
                }
                if (!isUp()) {
                    ready.addFirst(d); // the outcome cannot reach a broker that is not up: the delivery comes again
                } else if (outcome instanceof DeliveryOutcome.Retry r && !flaws.contains(Flaw.IGNORES_NACK)) {
                    schedule(r.delay(), d.next(r.firstFailureAt()));
                } else if (outcome instanceof DeliveryOutcome.Release r) {
                    if (r.delay().isZero()) {
                        ready.addFirst(d);
                    } else {
                        schedule(r.delay(), d);
                    }
                } else {
                    boolean keep = !flaws.contains(Flaw.NEVER_DEAD_LETTERS);
                    if (outcome instanceof DeliveryOutcome.DeadLettered dl && keep) {
                        deadLetters.add(dl.deadLetter());
                    }
                    finish(d);
                }
                changed.signalAll();
                dispatch();
            } finally {
                lock.unlock();
            }
        }

        private void schedule(Duration delay, Delivery d) {
            try {
                timer.schedule(() -> {
                    lock.lock();
                    try {
                        if (!discarded) {
                            ready.addFirst(d);
                            dispatch();
                        }
                    } finally {
                        lock.unlock();
                    }
                }, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException brokerClosed) {
                // the broker is gone, and its state with it
            }
        }

        /** Acknowledged or dead-lettered: the key's next event may go. Lock held. */
        private void finish(Delivery d) {
            pending--;
            String key = d.message().key();
            if (key == null) {
                return;
            }
            ArrayDeque<Delivery> waiting = busyKeys.get(key);
            Delivery next = waiting == null ? null
                    : flaws.contains(Flaw.REORDERING) ? waiting.pollLast() : waiting.pollFirst();
            if (next == null) {
                busyKeys.remove(key);
            } else {
                ready.addLast(next);
            }
        }

        /** Waits until nothing is pending or {@code owner} has no member here, at most until {@code deadline}. */
        void awaitDrained(ReferenceDriver owner, long deadline) {
            lock.lock();
            try {
                while (pending > 0 && members.stream().anyMatch(m -> m.owner == owner)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }

        /**
         * An orderly leave: no more deliveries; in-flight handlers get {@code drain}, then are interrupted (the
         * pipeline releases their events); whatever is still in flight after a grace period goes back to the group.
         */
        void leave(Member m, Duration drain) {
            lock.lock();
            try {
                if (!m.open) {
                    return;
                }
                m.open = false;
                if (flaws.contains(Flaw.LEAKS_CONSUMERS_ON_CLOSE) && !broadcast) {
                    return; // still a member: keeps receiving
                }
                members.remove(m);
                nextMember = 0;
                int self = m.running.contains(Thread.currentThread()) ? 1 : 0;
                if (!awaitIdle(m, self, drain.toNanos())) {
                    m.running.stream().filter(t -> t != Thread.currentThread()).forEach(Thread::interrupt);
                    if (!awaitIdle(m, self, TimeUnit.SECONDS.toNanos(1))) {
                        crash(m);
                    }
                }
                if (broadcast) {
                    discard();
                }
            } finally {
                lock.unlock();
            }
        }

        /** The member's connection is gone: its in-flight deliveries go back at once; its late outcomes are lost. */
        void crash(Member m) {
            lock.lock();
            try {
                m.open = false;
                members.remove(m);
                nextMember = 0;
                for (Delivery d : m.inFlight) {
                    ready.addFirst(d);
                }
                m.inFlight.clear();
                if (broadcast) {
                    discard();
                }
                changed.signalAll();
                dispatch();
            } finally {
                lock.unlock();
            }
        }

        private boolean awaitIdle(Member m, int self, long nanos) {
            try {
                while (m.inFlight.size() > self && nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return m.inFlight.size() <= self;
        }

        private void discard() {
            discarded = true;
            ready.clear();
            busyKeys.clear();
            pending = 0;
            broadcasts.remove(this);
        }

        /** One subscription of this group. Its mutable state is guarded by the group's lock. */
        final class Member implements DriverSubscription {
            final ReferenceDriver owner;
            final ConsumerSpec spec;
            final MessageHandler handler;
            final List<Delivery> inFlight = new ArrayList<>();
            final Set<Thread> running = new HashSet<>();
            boolean open = true;

            Member(ReferenceDriver owner, ConsumerSpec spec, MessageHandler handler) {
                this.owner = owner;
                this.spec = spec;
                this.handler = handler;
            }

            Group group() {
                return Group.this;
            }

            @Override
            public boolean isActive() {
                lock.lock();
                try {
                    return open;
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void close() {
                leave(this, spec.drainTimeout());
                owner.forget(this);
            }
        }
    }
}
