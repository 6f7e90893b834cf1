package io.switchboard.inmemory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A {@link Clock} that moves only when told to, so retry back-off and delayed faults are tested exactly and in
 * milliseconds. Give the same instance to {@link InMemoryOptions#withClock} and to
 * {@code Switchboard.builder(driver).clock(clock)}: the driver then schedules its timers (retries, delayed sends) on
 * this clock, and {@link #advance} runs every timer that became due, in due order, on the calling thread. Timers only
 * hand messages back to the driver; the handlers themselves still run on the driver's threads.
 *
 * <p>Thread-safe. {@link #withZone} returns a view on the same time line.
 */
public final class ManualClock extends Clock {

    /** Where {@link #ManualClock()} starts, so test output is the same on every run. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final Timeline timeline;
    private final ZoneId zone;

    public ManualClock() {
        this(DEFAULT_START);
    }

    public ManualClock(Instant start) {
        this(new Timeline(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(Timeline timeline, ZoneId zone) {
        this.timeline = timeline;
        this.zone = zone;
    }

    @Override
    public Instant instant() {
        synchronized (timeline) {
            return timeline.now;
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public ManualClock withZone(ZoneId zone) {
        return Objects.requireNonNull(zone, "zone").equals(this.zone) ? this : new ManualClock(timeline, zone);
    }

    /**
     * Moves time forward by {@code amount}, running each timer that falls due on the way with the clock set to its
     * due time, then leaves the clock at the end. Timers scheduled by those timers run too if they fall due within
     * {@code amount}.
     */
    public void advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("A ManualClock only moves forward, got " + amount);
        }
        // One advance at a time, so timers run in due order even when several threads advance.
        synchronized (timeline.advancing) {
            Instant target;
            synchronized (timeline) {
                target = timeline.now.plus(amount);
            }
            while (true) {
                Timer due;
                synchronized (timeline) {
                    Timer next = timeline.timers.peek();
                    if (next == null || next.dueAt.isAfter(target)) {
                        timeline.now = target;
                        return;
                    }
                    due = timeline.timers.poll();
                    if (due.dueAt.isAfter(timeline.now)) {
                        timeline.now = due.dueAt;
                    }
                }
                due.task.run(); // outside the lock: the task may read the clock or schedule another timer
            }
        }
    }

    /** The number of timers waiting for the clock to reach them. */
    public int pendingTimers() {
        synchronized (timeline) {
            return timeline.timers.size();
        }
    }

    /** When the earliest waiting timer falls due, if any. */
    public Optional<Instant> nextDue() {
        synchronized (timeline) {
            Timer next = timeline.timers.peek();
            return next == null ? Optional.empty() : Optional.of(next.dueAt);
        }
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", " + pendingTimers() + " pending timer(s)]";
    }

    /** Runs {@code task} once the clock has advanced by {@code delay}; at once if {@code delay} is zero. */
    void schedule(Duration delay, Runnable task) {
        if (delay.isZero() || delay.isNegative()) {
            task.run();
            return;
        }
        synchronized (timeline) {
            timeline.timers.add(new Timer(timeline.now.plus(delay), timeline.sequence++, task));
        }
    }

    /** The state shared by a clock and its zone views. The monitor guards {@code now}, the timers and the sequence. */
    private static final class Timeline {
        private final Object advancing = new Object();
        private final PriorityQueue<Timer> timers = new PriorityQueue<>();
        private Instant now;
        private long sequence;

        Timeline(Instant start) {
            this.now = start;
        }
    }

    /** Ordered by due time, then by scheduling order, so timers due at the same instant run first-scheduled first. */
    private record Timer(Instant dueAt, long sequence, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byTime = dueAt.compareTo(other.dueAt);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
