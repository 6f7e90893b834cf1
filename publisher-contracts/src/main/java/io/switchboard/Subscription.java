package io.switchboard;

/** An open subscription. Closing it stops deliveries; in-flight handlers may finish within the drain deadline. */
public interface Subscription extends AutoCloseable {

    EventPattern pattern();

    /** The group, or {@code null} for a broadcast subscription. */
    String group();

    boolean isActive();

    /** Stops this subscription; idempotent. */
    @Override
    void close();
}
