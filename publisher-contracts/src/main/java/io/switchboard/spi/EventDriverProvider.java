package io.switchboard.spi;

/**
 * Creates a driver from settings, found with {@link java.util.ServiceLoader} so plain Java applications can build
 * the driver named by {@code EVENT_DRIVER} without Spring. Register an implementation in
 * {@code META-INF/services/io.switchboard.spi.EventDriverProvider}.
 */
public interface EventDriverProvider {

    /** The {@code EVENT_DRIVER} value this provider answers to, e.g. {@code in-memory}. */
    String name();

    /** Builds the driver; invalid settings fail here with a {@code CONFIGURATION} exception naming the setting. */
    EventDriver create(DriverSettings settings);
}
