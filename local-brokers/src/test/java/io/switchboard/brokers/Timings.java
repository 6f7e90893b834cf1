package io.switchboard.brokers;

/** Prints how long a start or restart took (for the record; never asserted). */
final class Timings {

    private Timings() {
    }

    static void print(String what, long startedNanos) {
        System.out.printf("[timing] %s: %d ms%n", what, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
