package io.switchboard.inmemory.internal;

import java.time.Duration;

/**
 * Runs a task after a delay on the driver's clock: on a timer thread for a real clock, or when a
 * {@code ManualClock} is advanced past it. Throws {@link java.util.concurrent.RejectedExecutionException} once the
 * driver is closed.
 */
@FunctionalInterface
public interface Scheduler {

    void schedule(Duration delay, Runnable task);
}
