package io.switchboard.inmemory;

import io.switchboard.DriverSelection;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.EventDriverProvider;

/**
 * Builds the {@link InMemoryDriver} for {@code EVENT_DRIVER=in-memory} without Spring, from
 * {@code event.in-memory.buffer-size}, {@code event.in-memory.block-timeout} and
 * {@code event.in-memory.max-payload-bytes}.
 */
public final class InMemoryDriverProvider implements EventDriverProvider {

    @Override
    public String name() {
        return DriverSelection.IN_MEMORY;
    }

    @Override
    public EventDriver create(DriverSettings settings) {
        return new InMemoryDriver(new InMemoryOptions(
                settings.getInt(InMemoryOptions.BUFFER_SIZE, InMemoryOptions.DEFAULT_BUFFER_SIZE),
                settings.getDuration(InMemoryOptions.BLOCK_TIMEOUT, InMemoryOptions.DEFAULT_BLOCK_TIMEOUT),
                settings.getInt(InMemoryOptions.MAX_PAYLOAD_BYTES, InMemoryOptions.DEFAULT_MAX_PAYLOAD_BYTES),
                null, null));
    }
}
