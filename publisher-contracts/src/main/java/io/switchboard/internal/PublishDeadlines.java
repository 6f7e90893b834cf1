package io.switchboard.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The publish timeout of one publisher: each publish the driver has not answered yet is watched, and one that is
 * still open when its deadline passes is failed by {@link Watched#expire()}. Every publish has the same timeout,
 * so the watched ones are queued in deadline order and one daemon thread looks at the head of the queue every
 * tick, dropping answered publishes and expiring due ones up to the first that is neither: a publish costs a queue
 * insertion instead of a timer task that is scheduled, then cancelled under the timer's lock (a task, a canceller
 * and two futures per event, 6% of a Redis pub/sub benchmark's CPU samples). Behind a publish still waiting,
 * answered ones are dropped by a pass over the whole queue every {@link #COMPACTION_INTERVAL_NANOS}, which also
 * expires one queued slightly out of order (threads take the time and insert in either order). So a deadline fires
 * at most one tick late (a twentieth of the timeout, between 1 and 10 ms), or one pass late when its publisher was
 * descheduled between the two; the thread sleeps while nothing is watched.
 */
public final class PublishDeadlines {

    /** How often the whole queue is passed over (the head is looked at every tick). */
    static final long COMPACTION_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A publish's future, completed normally by the driver's answer or exceptionally by {@link #expire()}. */
    public abstract static class Watched<R> extends CompletableFuture<R> {
        private final long deadlineNanos;

        protected Watched(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        /** Fails this future because its deadline passed (a driver answering later changes nothing). */
        protected abstract void expire();

        /** Dependent stages are plain futures. */
        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }

    private final long timeoutNanos;
    private final long tickNanos;
    private final String threadName;
    private final ConcurrentLinkedQueue<Watched<?>> watched = new ConcurrentLinkedQueue<>();
    private final Object startLock = new Object();
    private volatile Thread sweeper;
    /** The sweeper found nothing to watch and parks until {@link #watch} wakes it. */
    private volatile boolean idle;
    private volatile boolean stopping;

    public PublishDeadlines(Duration timeout, String threadName) {
        this.timeoutNanos = timeout.toNanos();
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(TimeUnit.MILLISECONDS.toNanos(10), timeoutNanos / 20));
        this.threadName = threadName;
    }

    /** The deadline of a publish starting now. */
    public long deadlineFromNow() {
        return System.nanoTime() + timeoutNanos;
    }

    /** Watches {@code future} until it completes or its deadline passes. */
    public void watch(Watched<?> future) {
        watched.add(future);
        Thread t = sweeper;
        if (t == null || stopping) { // the first publish, or one racing with close while the thread may be ending
            t = ensureRunning();
        }
        if (idle) {
            idle = false;
            LockSupport.unpark(t);
        }
    }

    /**
     * Lets the thread end once nothing is watched any more: publishes still open keep their deadlines (a driver
     * that never answers one still gets it failed), and nothing new is watched after the publisher closed.
     */
    public void stop() {
        stopping = true;
        Thread t = sweeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Publishes watched now (completed ones may count until the next tick). */
    public int size() {
        return watched.size();
    }

    private Thread ensureRunning() {
        synchronized (startLock) {
            if (sweeper == null) {
                Thread t = new Thread(this::run, threadName);
                t.setDaemon(true);
                sweeper = t;
                t.start();
            }
            return sweeper;
        }
    }

    private void run() {
        long lastPass = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            // The rest of the queue is due later, but for a few out of order, found by the pass.
            for (Watched<?> w; (w = watched.peek()) != null && settled(w, now); ) {
                watched.poll(); // still the head: only this thread removes
            }
            if (now - lastPass >= COMPACTION_INTERVAL_NANOS) {
                lastPass = now;
                for (Iterator<Watched<?>> it = watched.iterator(); it.hasNext(); ) {
                    if (settled(it.next(), now)) {
                        it.remove();
                    }
                }
            }
            if (watched.isEmpty()) {
                if (stopping) {
                    synchronized (startLock) { // with ensureRunning: a publish watched now gets a thread
                        if (watched.isEmpty()) {
                            sweeper = null;
                            return;
                        }
                    }
                    continue;
                }
                idle = true;
                if (watched.isEmpty() && !stopping) { // an insertion before idle was set is seen here
                    LockSupport.park(this);
                }
                idle = false;
            } else {
                LockSupport.parkNanos(this, tickNanos);
            }
        }
    }

    /** Whether {@code w} leaves the queue: answered, or due at {@code now} and expired here. */
    private static boolean settled(Watched<?> w, long now) {
        if (w.isDone()) {
            return true;
        }
        if (now - w.deadlineNanos < 0) {
            return false;
        }
        try {
            w.expire();
        } catch (RuntimeException | Error e) {
            w.completeExceptionally(e); // never leave a publish open, never lose the thread
        }
        return true;
    }
}
