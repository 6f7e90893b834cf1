package io.switchboard.spi;

/** A driver's running consumer for one {@link ConsumerSpec}. */
public interface DriverSubscription {

    boolean isActive();

    /**
     * Stops fetching, waits up to the spec's drain timeout for in-flight handlers, then cancels the rest (their
     * messages are released for redelivery, not acknowledged). Idempotent.
     */
    void close();
}
