package io.switchboard.tck.internal;

import io.switchboard.Capabilities;
import java.time.Duration;

/**
 * Deadlines and quiet windows derived from the declared latencies and the timeout multiplier, as TCK.md says:
 * deadline max(30 s, expected × p99 × 3), progress timeout 15 s, quiet window 2 × max redelivery latency (at least
 * 200 ms), each × the multiplier. Never fixed sleeps.
 */
public record Timing(Duration maxDeliveryLatency, Duration maxRedeliveryLatency, double multiplier) {

    static Timing of(Capabilities capabilities, double multiplier) {
        return new Timing(capabilities.maxDeliveryLatency(), capabilities.maxRedeliveryLatency(), multiplier);
    }

    /** The total deadline for {@code expected} deliveries. */
    public Duration deadline(int expected) {
        Duration byCount = maxDeliveryLatency.multipliedBy(3L * Math.max(1, expected));
        Duration base = byCount.compareTo(Duration.ofSeconds(30)) > 0 ? byCount : Duration.ofSeconds(30);
        return scale(base);
    }

    /** How long a wait may see no progress at all before it gives up. */
    public Duration progressTimeout() {
        return scale(Duration.ofSeconds(15));
    }

    /** How long "nothing else arrives" is watched. */
    public Duration quietWindow() {
        Duration twice = maxRedeliveryLatency.multipliedBy(2);
        return scale(twice.compareTo(Duration.ofMillis(200)) > 0 ? twice : Duration.ofMillis(200));
    }

    /** {@code d} × the multiplier. */
    public Duration scale(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * multiplier));
    }
}
