package io.switchboard.benchmarks;

/** A benchmark could not produce a valid figure; the message says why and what to do. */
public final class BenchmarkException extends RuntimeException {

    public BenchmarkException(String message) {
        super(message);
    }

    public BenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
