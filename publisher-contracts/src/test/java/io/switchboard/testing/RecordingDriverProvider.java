package io.switchboard.testing;

import io.switchboard.Capabilities;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.EventDriverProvider;

/** Registers {@link RecordingDriver} as the driver {@code recording}, to test selection through ServiceLoader. */
public final class RecordingDriverProvider implements EventDriverProvider {

    public static final String MAX_PAYLOAD_BYTES = "event.recording.max-payload-bytes";

    /** The driver created last, so a test can look at what start-up did with it. */
    public static volatile RecordingDriver lastCreated;

    @Override
    public String name() {
        return RecordingDriver.NAME;
    }

    @Override
    public EventDriver create(DriverSettings settings) {
        RecordingDriver driver = new RecordingDriver(Capabilities.builder()
                .delivery(Capabilities.Delivery.AT_LEAST_ONCE)
                .maxPayloadBytes(settings.getInt(MAX_PAYLOAD_BYTES, 1024 * 1024))
                .build());
        lastCreated = driver;
        return driver;
    }
}
