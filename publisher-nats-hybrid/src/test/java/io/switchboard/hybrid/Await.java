package io.switchboard.hybrid;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling waits shared by the degraded-mode tests: a condition within 20 s, or a plain pause. */
final class Await {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private Await() {
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            sleep(25);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
