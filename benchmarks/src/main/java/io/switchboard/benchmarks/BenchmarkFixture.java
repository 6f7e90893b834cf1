package io.switchboard.benchmarks;

import java.util.Map;
import java.util.Set;

/**
 * One driver in the benchmark: which brokers it needs, the settings that select and configure it (the same names
 * an application uses, read by {@code Switchboard.fromSettings}), and the raw client doing the same work. Adding a
 * driver to the benchmarks means writing one of these and listing it in {@link Fixtures}.
 */
public interface BenchmarkFixture {

    /** The {@code driver} column of the results, e.g. {@code redis-streams}. */
    String name();

    /** One line for the report: what Switchboard does and what the raw client does. */
    String description();

    /** The local brokers this fixture needs; the harness starts them once per run. */
    Set<Brokers.Kind> brokers();

    /**
     * The driver settings ({@code event.driver}, {@code event.redis.url}, ...). A driver whose module is missing
     * from the class path makes {@code Switchboard.fromSettings} fail; the fixture is then reported as not
     * available, never with a made-up number.
     */
    Map<String, String> driverSettings(Brokers brokers);

    /**
     * Whether Switchboard's consumer is a broadcast (real-time) subscription rather than a group; the raw client
     * consumes the same way.
     */
    default boolean broadcast() {
        return false;
    }

    /** The raw client for one phase, publishing to and consuming from {@code topic} (an event type). */
    RawClient rawClient(Brokers brokers, String topic) throws Exception;

    /**
     * The settings of the memory test, which publishes while the broker is frozen; by default
     * {@link #driverSettings}. A driver whose backpressure blocks the publisher may shorten the wait here.
     */
    default Map<String, String> memorySettings(Brokers brokers) {
        return driverSettings(brokers);
    }

    /** Called after each phase, when its publishers and consumers are closed: drop what the phase left behind. */
    default void afterPhase(Brokers brokers) {
    }
}
