package io.switchboard.brokers;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Retries a call until it returns without throwing, within a deadline; then rethrows the last failure. */
final class Eventually {

    private Eventually() {
    }

    static <T> T value(Callable<T> call, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("still failing after " + within.toMillis() + " ms", e);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
