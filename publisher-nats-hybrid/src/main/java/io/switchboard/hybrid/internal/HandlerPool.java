package io.switchboard.hybrid.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler threads of one subscription: at most {@code concurrency} handlers at once; {@link #submit} blocks the
 * fetching thread while all are busy, so nothing is buffered beyond what is being handled. Closing waits for
 * in-flight handlers up to the drain timeout, then interrupts them (the pipeline answers RELEASE).
 */
public final class HandlerPool {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService executor;
    private final Semaphore permits;
    private volatile boolean closed;

    public HandlerPool(String name, int concurrency) {
        this.permits = new Semaphore(concurrency);
        this.executor = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "switchboard-hybrid-" + name + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code task} when a handler slot is free; false if the pool closed meanwhile (the task did not run). */
    public boolean submit(Runnable task) {
        try {
            while (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (closed) {
            permits.release();
            return false;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    permits.release();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            permits.release();
            return false;
        }
    }

    /** Free handler slots now. */
    public int available() {
        return permits.availablePermits();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops taking tasks, waits up to {@code drain} for running ones, then interrupts them. */
    public void close(Duration drain) {
        closed = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                executor.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
