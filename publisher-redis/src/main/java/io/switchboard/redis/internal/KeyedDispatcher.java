package io.switchboard.redis.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on at most {@code threads} daemon threads, one task per ordering key at a time and in submission order
 * per key; tasks without a key run as soon as a thread is free. This is what gives one consumer per-key order while
 * different keys run in parallel.
 */
final class KeyedDispatcher {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorService pool;
    private final Map<String, ArrayDeque<Runnable>> waiting = new HashMap<>();

    KeyedDispatcher(int threads, String name) {
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void submit(String key, Runnable task) {
        if (key == null) {
            pool.execute(task);
            return;
        }
        synchronized (waiting) {
            ArrayDeque<Runnable> queue = waiting.get(key);
            if (queue != null) {
                queue.add(task); // the key is running: this task follows when the earlier ones are done
                return;
            }
            waiting.put(key, new ArrayDeque<>());
        }
        pool.execute(() -> runInOrder(key, task));
    }

    private void runInOrder(String key, Runnable first) {
        Runnable task = first;
        while (task != null) {
            try {
                task.run();
            } finally {
                synchronized (waiting) {
                    ArrayDeque<Runnable> queue = waiting.get(key);
                    task = queue == null ? null : queue.poll();
                    if (task == null) {
                        waiting.remove(key);
                    }
                }
            }
        }
    }

    /** Stops taking tasks, waits up to {@code drainNanos} for the running ones, then interrupts them. */
    boolean shutdown(long drainNanos) {
        pool.shutdown();
        try {
            if (pool.awaitTermination(drainNanos, TimeUnit.NANOSECONDS)) {
                return true;
            }
            pool.shutdownNow();
            return pool.awaitTermination(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Tasks queued behind a running task of the same key, dropped by shutdown. */
    int queued() {
        synchronized (waiting) {
            return waiting.values().stream().mapToInt(ArrayDeque::size).sum();
        }
    }
}
