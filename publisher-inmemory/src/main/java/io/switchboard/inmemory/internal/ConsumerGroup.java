package io.switchboard.inmemory.internal;

import io.switchboard.DeadLetter;
import io.switchboard.EventPattern;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One buffer of the in-memory driver: a consumer group (name and pattern), or a broadcast subscription, which is a
 * group of one discarded when it closes. It holds each message from enqueue until it is acknowledged or
 * dead-lettered, within a capacity that publishers reserve before they enqueue, and hands messages to its open
 * members round-robin, within each member's concurrency.
 *
 * <p>Per-key order: a key is <em>busy</em> from the moment one of its messages becomes ready until that message is
 * acknowledged or dead-lettered, retries included; later messages of a busy key wait in that key's queue. So
 * {@code ready} holds at most one message per key, and different keys run in parallel.
 */
public final class ConsumerGroup {

    private static final System.Logger LOG = System.getLogger(ConsumerGroup.class.getName());
    /** After interrupting overdue handlers, how long closing waits for them to hand their messages back. */
    static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

    /** What every group of one driver shares. */
    public record Services(Executor handlers, Scheduler scheduler, Clock clock, Consumer<DeadLetter> deadLetters) {
    }

    /** A message given to a member under the lock, to start on a handler thread after it. */
    private record Handoff(Member member, Delivery delivery) {
    }

    /** One copy of a sent message in a group, with its attempt state. */
    public record Delivery(OutboundMessage message, String messageId, int attempt, Instant firstFailureAt) {

        public static Delivery first(OutboundMessage message, String messageId) {
            return new Delivery(message, messageId, 1, null);
        }

        Delivery nextAttempt(Instant firstFailureAt) {
            return new Delivery(message, messageId, attempt + 1, firstFailureAt);
        }

        String key() {
            return message.key();
        }
    }

    private final String label;
    private final EventPattern pattern;
    private final long order;
    private final boolean broadcast;
    private final int bufferSize;
    private final Semaphore capacity;
    private final Services services;
    private final Consumer<ConsumerGroup> onDiscard;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition handlerFinished = lock.newCondition();
    // Guarded by lock:
    private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    /** The busy keys, each with the later messages waiting for it. */
    private final Map<String, ArrayDeque<Delivery>> busyKeys = new HashMap<>();
    private final List<Member> members = new ArrayList<>();
    private int nextMember;
    private boolean closed;
    /**
     * {@code ready.size()} as of the last dispatch, for a starting handler thread to see without the lock whether
     * messages are waiting for a thread to be started (see {@link #run}).
     */
    private volatile int readyAfterDispatch;

    private ConsumerGroup(String label, EventPattern pattern, long order, boolean broadcast, int bufferSize,
            Services services, Consumer<ConsumerGroup> onDiscard) {
        this.label = label;
        this.pattern = pattern;
        this.order = order;
        this.broadcast = broadcast;
        this.bufferSize = bufferSize;
        // Fair, so a publisher waiting for several slots (a batch) is not overtaken forever by single sends.
        this.capacity = new Semaphore(bufferSize, true);
        this.services = services;
        this.onDiscard = onDiscard;
    }

    /** A group that persists for the driver's lifetime, keeping its backlog while it has no members. */
    public static ConsumerGroup group(String name, EventPattern pattern, long order, int bufferSize,
            Services services) {
        return new ConsumerGroup("group '" + name + "' (pattern " + pattern + ")", pattern, order, false, bufferSize,
                services, discarded -> { });
    }

    /** A broadcast subscription: discarded with its buffer when its member closes, then given to {@code onDiscard}. */
    public static ConsumerGroup broadcast(String subscriptionId, EventPattern pattern, long order, int bufferSize,
            Services services, Consumer<ConsumerGroup> onDiscard) {
        return new ConsumerGroup("broadcast subscription " + subscriptionId + " (pattern " + pattern + ")", pattern,
                order, true, bufferSize, services, onDiscard);
    }

    /** For messages: {@code group 'billing' (pattern billing.>)}. */
    public String label() {
        return label;
    }

    /** Creation order. Publishers reserve in this order, so none holds places another one is waiting for first. */
    public long order() {
        return order;
    }

    /** Whether this is a broadcast subscription, which may be discarded while a publisher is enqueueing. */
    public boolean isBroadcast() {
        return broadcast;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public boolean matches(String type) {
        return pattern.matches(type);
    }

    /** Events held or reserved: ready, waiting for their key, in flight or waiting for a retry; 0 once closed. */
    public int pending() {
        lock.lock();
        try {
            return closed ? 0 : bufferSize - capacity.availablePermits();
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code slots} of capacity, waiting up to {@code timeoutNanos} for them (not at all if <= 0). */
    public boolean reserve(int slots, long timeoutNanos) throws InterruptedException {
        return capacity.tryAcquire(slots, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Gives back capacity reserved for messages that were not enqueued. */
    public void release(int slots) {
        lock.lock();
        try {
            if (!closed) { // a closed group's capacity was opened wide for good (see close)
                capacity.release(slots);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds messages whose capacity the caller reserved. Returns {@code false}, enqueueing nothing, if the group is
     * closed.
     */
    public boolean enqueue(List<Delivery> deliveries) {
        List<Handoff> handoffs = new ArrayList<>(2);
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            for (Delivery d : deliveries) {
                String key = d.key();
                if (key == null) { // no ordering constraint
                    ready.addLast(d);
                } else if (busyKeys.containsKey(key)) {
                    busyKeys.get(key).addLast(d);
                } else {
                    busyKeys.put(key, new ArrayDeque<>());
                    ready.addLast(d);
                }
            }
            dispatch(null, handoffs);
        } finally {
            lock.unlock();
        }
        handOff(handoffs);
        return true;
    }

    /**
     * Waits until nothing is pending or the group has no member to hand its events to, at most until
     * {@code deadlineNanos} ({@link System#nanoTime()}). Returns whether nothing is pending.
     */
    public boolean awaitDrained(long deadlineNanos) {
        lock.lock();
        try {
            long remaining = deadlineNanos - System.nanoTime();
            while (!closed && !members.isEmpty() && bufferSize - capacity.availablePermits() > 0 && remaining > 0) {
                remaining = handlerFinished.awaitNanos(remaining);
            }
            return closed || bufferSize - capacity.availablePermits() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Adds a member; it starts with the group's backlog. */
    public DriverSubscription join(ConsumerSpec spec, MessageHandler handler) {
        List<Handoff> handoffs = new ArrayList<>();
        Member member;
        lock.lock();
        try {
            if (closed) {
                throw SwitchboardException.closed("The in-memory driver");
            }
            member = new Member(spec, handler);
            members.add(member);
            dispatch(null, handoffs);
        } finally {
            lock.unlock();
        }
        handOff(handoffs);
        return member;
    }

    /**
     * Closes every member (each waits for its handlers up to the smaller of its drain timeout and {@code drain}),
     * then the group: its buffer is dropped and publishers waiting for capacity are woken to fail.
     */
    public void close(Duration drain) {
        List<Member> open;
        lock.lock();
        try {
            open = List.copyOf(members);
        } finally {
            lock.unlock();
        }
        for (Member m : open) {
            Duration memberDrain = m.spec.drainTimeout().compareTo(drain) < 0 ? m.spec.drainTimeout() : drain;
            leave(m, memberDrain);
        }
        lock.lock();
        try {
            discard();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return label;
    }

    /** Marks the group closed and drops its messages. Lock held. */
    private void discard() {
        if (closed) {
            return;
        }
        closed = true;
        ready.clear();
        readyAfterDispatch = 0;
        busyKeys.clear();
        // Publishers blocked in reserve() would otherwise wait out their timeout; given room, they go on to
        // enqueue(), which fails as closed. Permits are only ever added under the lock and never again after this,
        // so topping up to the maximum cannot overflow.
        capacity.release(Integer.MAX_VALUE - capacity.availablePermits());
    }

    /**
     * Gives ready messages to members with free concurrency, round-robin, counting them in flight; each goes to
     * {@code handoffs}, for {@link #handOff} to start on a handler thread once the lock is released (a thread woken
     * while the lock is held would only wait for it). The first message the round-robin gives to {@code self} (a
     * member whose handler thread is calling, having just finished a message) is returned instead, for the calling
     * thread to run next: the members and their order are the same, only a hand-off is saved.
     *
     * <p>A member has at most one thread starting at a time: while one is being woken, later messages stay ready,
     * and that thread, once running, starts the next if messages are still waiting ({@link #run}), up to the
     * member's concurrency. A member that keeps up is woken once per burst instead of once per message (each wake
     * is a futex call for the publisher and a context switch on the handler's side; a benchmark counted five times
     * as many as a plain thread pool's), and one that falls behind still reaches its full concurrency. Lock held.
     */
    private Delivery dispatch(Member self, List<Handoff> handoffs) {
        Delivery forSelf = null;
        while (!closed && !ready.isEmpty()) {
            Member member = nextFreeMember(forSelf == null ? self : null);
            if (member == null) {
                break;
            }
            Delivery delivery = ready.pollFirst();
            member.inFlight++;
            if (member == self && forSelf == null) {
                forSelf = delivery;
            } else {
                member.starting = true;
                handoffs.add(new Handoff(member, delivery));
            }
        }
        readyAfterDispatch = ready.size();
        return forSelf;
    }

    /** Starts dispatched messages on handler threads. Lock not held. */
    private void handOff(List<Handoff> handoffs) {
        for (int i = 0; i < handoffs.size(); i++) {
            Handoff h = handoffs.get(i);
            try {
                services.handlers().execute(() -> run(h.member(), h.delivery()));
            } catch (RejectedExecutionException shuttingDown) {
                lock.lock();
                try {
                    h.member().inFlight--;
                    h.member().starting = false;
                    if (!closed) {
                        ready.addFirst(h.delivery());
                    }
                    handlerFinished.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * The next member, round-robin, with free concurrency and no thread starting, or {@code self} (the calling
     * handler thread's member, which takes the message itself) with free concurrency.
     */
    private Member nextFreeMember(Member self) {
        int n = members.size();
        for (int i = 0; i < n; i++) {
            int index = (nextMember + i) % n;
            Member m = members.get(index);
            if (m.inFlight < m.spec.maxConcurrency() && (!m.starting || m == self)) {
                nextMember = (index + 1) % n;
                return m;
            }
        }
        return null;
    }

    /**
     * On a handler thread: runs {@code first}, then each message the group gives this member next. The thread stays
     * in the member's {@code running} set from the first message to the last, so closing can interrupt it; a message
     * given to the member comes from {@link #dispatch(Member, List)} while the member is open and not cancelled.
     */
    private void run(Member member, Delivery first) {
        // Registered before reading the flag, which leave() sets before interrupting the registered threads: either
        // this thread is interrupted, or it sees the flag. No lock needed.
        member.running.add(Thread.currentThread());
        boolean cancelled = member.cancelled;
        member.starting = false;
        // Written before reading the hint, which a dispatch writes after reading the flag: a message left ready
        // because this thread was starting is seen here, or its dispatch saw the flag cleared. If both miss (a
        // dispatch that read the flag before it was cleared, and wrote the hint after it was read), this thread's
        // own completion dispatches it.
        if (readyAfterDispatch > 0) {
            startNext();
        }
        Delivery delivery = first;
        while (delivery != null) {
            DeliveryOutcome outcome = cancelled ? DeliveryOutcome.RELEASE : invoke(member, delivery);
            delivery = complete(member, delivery, outcome);
            cancelled = false;
        }
    }

    /** Starts a thread for messages still waiting (one per member, see {@link #dispatch}). Lock not held. */
    private void startNext() {
        List<Handoff> handoffs = new ArrayList<>(2);
        lock.lock();
        try {
            dispatch(null, handoffs);
        } finally {
            lock.unlock();
        }
        handOff(handoffs);
    }

    private DeliveryOutcome invoke(Member member, Delivery d) {
        InboundMessage inbound = new InboundMessage(d.message().payload(), d.message().type(), d.attempt(),
                d.firstFailureAt(), d.messageId());
        Throwable failure;
        try {
            DeliveryOutcome outcome = member.handler.handle(inbound);
            if (outcome != null) {
                return outcome;
            }
            failure = new IllegalStateException("the message handler returned no outcome");
        } catch (Throwable t) {
            failure = t;
        }
        // MessageHandler promises never to throw. If it does anyway, back off and retry rather than lose the
        // message or spin on it.
        LOG.log(System.Logger.Level.WARNING, "The message handler of " + member.spec.id() + " in " + label
                + " broke its contract on attempt " + d.attempt() + "; retrying", failure);
        Instant first = d.firstFailureAt() != null ? d.firstFailureAt() : services.clock().instant();
        return new DeliveryOutcome.Retry(member.spec.retryPolicy().delayAfter(d.attempt()), first, failure);
    }

    /**
     * On a handler thread, after the handler returned. Returns the member's next message for this thread to run
     * (already counted in flight), or {@code null}.
     */
    private Delivery complete(Member member, Delivery delivery, DeliveryOutcome outcome) {
        Delivery next;
        Delivery retry = null;
        Duration delay = null;
        List<Handoff> handoffs = new ArrayList<>(2);
        lock.lock();
        try {
            member.inFlight--;
            if (outcome instanceof DeliveryOutcome.Retry r) {
                // The key stays busy while the retry waits, so the key's later messages stay behind it.
                retry = delivery.nextAttempt(r.firstFailureAt());
                delay = r.delay();
            } else if (outcome instanceof DeliveryOutcome.DeadLettered dl) {
                services.deadLetters().accept(dl.deadLetter());
                finish(delivery);
            } else if (outcome instanceof DeliveryOutcome.Release release) {
                // Same attempt; the key stays busy. A delayed release (its key is being handled by another
                // delivery) comes back through the scheduler, like a retry.
                if (release.delay().isZero()) {
                    if (!closed) {
                        ready.addFirst(delivery);
                    }
                } else {
                    retry = delivery;
                    delay = release.delay();
                }
            } else {
                finish(delivery);
            }
            handlerFinished.signalAll();
            next = dispatch(member, handoffs);
            if (next == null) {
                member.running.remove(Thread.currentThread());
            }
        } finally {
            lock.unlock();
        }
        handOff(handoffs);
        if (retry != null) {
            Delivery again = retry;
            try {
                services.scheduler().schedule(delay, () -> redeliver(again));
            } catch (RejectedExecutionException driverClosed) {
                // The group is closed with the driver; the message goes with it.
            }
        }
        return next;
    }

    private void redeliver(Delivery delivery) {
        List<Handoff> handoffs = new ArrayList<>(2);
        lock.lock();
        try {
            if (!closed) {
                ready.addFirst(delivery);
                dispatch(null, handoffs);
            }
        } finally {
            lock.unlock();
        }
        handOff(handoffs);
    }

    /** Acknowledged or dead-lettered: frees its slot and lets its key's next message go. Lock held. */
    private void finish(Delivery delivery) {
        if (closed) {
            return;
        }
        capacity.release();
        String key = delivery.key();
        if (key == null) {
            return;
        }
        ArrayDeque<Delivery> waiting = busyKeys.get(key);
        Delivery next = waiting == null ? null : waiting.pollFirst();
        if (next == null) {
            busyKeys.remove(key);
        } else {
            ready.addLast(next);
        }
    }

    /** Removes {@code member}, drains or cancels its handlers, and discards a broadcast subscription. */
    private void leave(Member member, Duration drain) {
        lock.lock();
        try {
            if (!member.open) {
                return;
            }
            member.open = false;
            members.remove(member);
            nextMember = 0;
            // A handler closing its own subscription must not wait for itself.
            int self = member.running.contains(Thread.currentThread()) ? 1 : 0;
            if (!awaitHandlers(member, self, drain)) {
                member.cancelled = true;
                for (Thread t : member.running) {
                    if (t != Thread.currentThread()) {
                        t.interrupt(); // the pipeline answers RELEASE, which puts the message back in the group
                    }
                }
                if (!awaitHandlers(member, self, INTERRUPT_GRACE)) {
                    LOG.log(System.Logger.Level.WARNING, "{0} handler(s) of {1} in {2} ignored the interruption "
                            + "after the drain timeout; their messages stay in flight until they return",
                            member.inFlight - self, member.spec.id(), label);
                }
            }
            if (broadcast) {
                discard();
            }
        } finally {
            lock.unlock();
        }
        if (broadcast) {
            onDiscard.accept(this);
        }
    }

    /** Waits until at most {@code self} handlers of {@code member} are in flight. Lock held. */
    private boolean awaitHandlers(Member member, int self, Duration timeout) {
        long remaining = timeout.toNanos();
        try {
            while (member.inFlight > self && remaining > 0) {
                remaining = handlerFinished.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop waiting: the closing thread was itself interrupted
        }
        return member.inFlight <= self;
    }

    /** An open subscription of this group. Its fields are guarded by the group's lock, except where noted. */
    private final class Member implements DriverSubscription {
        private final ConsumerSpec spec;
        private final MessageHandler handler;
        /** The threads running this member's messages; concurrent, as a thread registers without the lock. */
        private final Set<Thread> running = ConcurrentHashMap.newKeySet();
        private int inFlight;
        private boolean open = true;
        /**
         * Whether a thread was handed a message of this member and has not started running it yet. Set under the
         * lock; cleared by the starting thread without it, so volatile.
         */
        private volatile boolean starting;
        /**
         * Set (under the lock) when the drain timeout passed: messages dispatched but not yet started are released
         * unhandled. Volatile: a starting thread reads it without the lock.
         */
        private volatile boolean cancelled;

        Member(ConsumerSpec spec, MessageHandler handler) {
            this.spec = spec;
            this.handler = handler;
        }

        @Override
        public boolean isActive() {
            lock.lock();
            try {
                return open && !closed;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            leave(this, spec.drainTimeout());
        }

        @Override
        public String toString() {
            return "InMemorySubscription[" + spec.id() + " of " + label + "]";
        }
    }
}
