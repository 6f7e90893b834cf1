package io.switchboard.tck;

import io.switchboard.spi.EventDriver;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a driver's test suite gives the kit: how to create the driver, and optionally control of its broker and an
 * inspector. The driver's own {@link EventDriver#capabilities()} decide which scenarios run; nothing else does.
 *
 * <p>The kit creates a fresh driver for every scenario and uses it for both publishing and subscribing; it closes
 * it when the scenario ends. Types and groups are namespaced per run, so a shared broker may hold leftovers.
 */
public interface DriverFixture {

    /** A new, unstarted driver instance, connected to the test broker if it has one. */
    EventDriver createDriver();

    /** Control of the broker the drivers talk to, for the broker-fault scenarios (X, and H for the hybrid). */
    default Optional<BrokerControl> brokerControl() {
        return Optional.empty();
    }

    /**
     * For a hybrid driver (a reliable queue leg plus a real-time broadcast leg, DESIGN.md): the real-time types it
     * is configured with and control of each leg, for the scenarios of group H. Empty (the default) for any other
     * driver; group H then reports "not a hybrid driver".
     */
    default Optional<HybridLegs> hybridLegs() {
        return Optional.empty();
    }

    /** A view of {@code driver}'s broker-side state (its dead-letter destination), if the fixture can offer one. */
    default Optional<DriverInspector> inspector(EventDriver driver) {
        return Optional.empty();
    }

    /**
     * Drivers built from invalid settings (missing endpoint, bad destination name...): each must fail when built,
     * with a {@code CONFIGURATION} {@link io.switchboard.SwitchboardException}, not at the first publish (C3).
     */
    default List<Supplier<EventDriver>> invalidConfigurations() {
        return List.of();
    }
}
