package io.switchboard.spi;

import io.switchboard.EventPattern;
import io.switchboard.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * What a driver must consume for one subscription.
 *
 * @param id             unique per subscription within the process (for consumer names and logs)
 * @param pattern        the types to consume
 * @param group          the group, or {@code null} for a broadcast subscription (every subscriber gets a copy, no backlog)
 * @param maxConcurrency the most handler calls in flight at once for this subscription
 * @param retryPolicy    the effective policy; drivers with native redelivery use it to size their settings
 * @param drainTimeout   how long closing waits for in-flight handlers before cancelling them
 */
public record ConsumerSpec(String id, EventPattern pattern, String group, int maxConcurrency,
        RetryPolicy retryPolicy, Duration drainTimeout) {

    public ConsumerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be >= 1, got " + maxConcurrency);
        }
    }

    public boolean isBroadcast() {
        return group == null;
    }
}
