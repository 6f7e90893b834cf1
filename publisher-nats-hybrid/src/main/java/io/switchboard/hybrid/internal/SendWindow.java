package io.switchboard.hybrid.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded window of sends waiting for the server: a publisher takes a {@link Slot} (waiting up to
 * {@link #timeout()} for one) and the send gives it back once the client is done with it. A server that does not
 * answer therefore holds at most {@link #capacity()} sends, and a faster publisher waits (backpressure) instead of
 * piling sends up in memory.
 *
 * <p>A send the client gave up on without an answer (its request timed out) may still sit in the client's outgoing
 * queue: its slot is {@linkplain #park parked} instead of released, and parked slots are released once the server
 * answers something sent later on the same connection (so it has read everything before), or once that connection
 * is gone (its epoch changed).
 */
public final class SendWindow {

    private final int capacity;
    private final Duration timeout;
    private final Semaphore free;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final ConcurrentLinkedQueue<Parked> parked = new ConcurrentLinkedQueue<>();

    private record Parked(Slot slot, long epoch) {
    }

    public SendWindow(int capacity, Duration timeout) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A send window needs at least one slot, got " + capacity);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("A send window needs a positive timeout, got " + timeout);
        }
        this.capacity = capacity;
        this.timeout = timeout;
        this.free = new Semaphore(capacity);
    }

    /** A slot, or {@code null} if none became free within {@link #timeout()}. */
    public Slot acquire() throws InterruptedException {
        if (!free.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        int now = inUse.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        return new Slot();
    }

    public int capacity() {
        return capacity;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Slots taken now. */
    public int inUse() {
        return inUse.get();
    }

    /** The most slots taken at once since the window was made. */
    public int peak() {
        return peak.get();
    }

    /** Keeps {@code slot} taken until {@link #releaseParked()}, or a {@link #releaseParkedBefore} other epoch. */
    public void park(Slot slot, long epoch) {
        parked.add(new Parked(slot, epoch));
    }

    /** Slots parked now. */
    public int parked() {
        return parked.size();
    }

    /** The server answered after the parked sends were written: they are out of the client. */
    public void releaseParked() {
        Parked p;
        while ((p = parked.poll()) != null) {
            p.slot().release();
        }
    }

    /** Releases the slots parked on a connection other than {@code currentEpoch}'s (that connection is gone). */
    public void releaseParkedBefore(long currentEpoch) {
        parked.removeIf(p -> {
            if (p.epoch() != currentEpoch) {
                p.slot().release();
                return true;
            }
            return false;
        });
    }

    /** One send's place in the window; releasing it more than once gives it back once. */
    public final class Slot {
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot() {
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                inUse.decrementAndGet();
                free.release();
            }
        }
    }

    @Override
    public String toString() {
        return "SendWindow[" + inUse() + " of " + capacity + " in use (" + parked() + " parked), peak " + peak()
                + ", timeout "
                + timeout.toMillis() + " ms]";
    }
}
