package io.switchboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How failed handler attempts are retried: up to {@code maxAttempts} attempts in all (the first delivery counts),
 * waiting {@code initialDelay × multiplier^(n-1)} (capped at {@code maxDelay}) before attempt n+1. Exceptions that
 * are instances of a {@code nonRetryable} class are dead-lettered after their first attempt. No jitter: back-off is
 * deterministic, so tests on a controllable clock are exact.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay,
        Set<Class<? extends Throwable>> nonRetryable) {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);

    public RetryPolicy {
        List<String> problems = new ArrayList<>();
        if (maxAttempts < 1) {
            problems.add("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (initialDelay == null || initialDelay.isNegative()) {
            problems.add("initialDelay must be >= 0, got " + initialDelay);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            problems.add("multiplier must be a finite number >= 1, got " + multiplier);
        }
        if (maxDelay == null || (initialDelay != null && maxDelay.compareTo(initialDelay) < 0)) {
            problems.add("maxDelay must be >= initialDelay, got " + maxDelay);
        }
        if (!problems.isEmpty()) {
            throw SwitchboardException.configuration("Invalid retry policy: " + String.join("; ", problems));
        }
        nonRetryable = nonRetryable == null ? Set.of() : Set.copyOf(nonRetryable);
    }

    /** 3 attempts, 1 s, 2 s back-off. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_DELAY, DEFAULT_MULTIPLIER, DEFAULT_MAX_DELAY,
                Set.of());
    }

    /** {@code maxAttempts} attempts with exponential back-off from {@code initialDelay}, doubling. */
    public static RetryPolicy exponential(int maxAttempts, Duration initialDelay) {
        return new RetryPolicy(maxAttempts, initialDelay, DEFAULT_MULTIPLIER,
                initialDelay.compareTo(DEFAULT_MAX_DELAY) > 0 ? initialDelay : DEFAULT_MAX_DELAY, Set.of());
    }

    /** Exactly one attempt: failures go straight to the dead-letter destination. */
    public static RetryPolicy noRetries() {
        return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, Set.of());
    }

    public RetryPolicy withMaxAttempts(int maxAttempts) {
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, nonRetryable);
    }

    public RetryPolicy withNonRetryable(Set<Class<? extends Throwable>> nonRetryable) {
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, nonRetryable);
    }

    /** The wait after failed attempt {@code attempt} (1-based) before the next one. */
    public Duration delayAfter(int attempt) {
        double factor = Math.pow(multiplier, Math.max(0, attempt - 1));
        double nanos = initialDelay.toNanos() * factor;
        if (nanos >= maxDelay.toNanos()) {
            return maxDelay;
        }
        return Duration.ofNanos((long) nanos);
    }

    /** Whether a failure with {@code error} after attempt {@code attempt} gets another attempt. */
    public boolean shouldRetry(Throwable error, int attempt) {
        return attempt < maxAttempts && !isNonRetryable(error);
    }

    public boolean isNonRetryable(Throwable error) {
        for (Class<? extends Throwable> type : nonRetryable) {
            if (type.isInstance(error)) {
                return true;
            }
        }
        return false;
    }
}
