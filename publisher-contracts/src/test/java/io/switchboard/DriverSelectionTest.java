package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.SwitchboardException.Reason;
import io.switchboard.spi.DriverSettings;
import io.switchboard.testing.RecordingDriver;
import io.switchboard.testing.RecordingDriverProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Plain-Java start-up: {@code event.driver} / {@code EVENT_DRIVER} picks a provider found with ServiceLoader; the test
 * sources register one, {@code recording}, and no built-in driver is on this module's classpath.
 */
class DriverSelectionTest {

    @Test
    void anUnknownNameListsTheValidValues() {
        SwitchboardException e = startupFailure(Map.of(DriverSelection.PROPERTY, "bogus"));

        assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
        assertThat(e.getMessage()).contains("Unknown event driver 'bogus'")
                .contains("Valid values: hybrid, in-memory, kafka, recording, redis, sqs");
    }

    @Test
    void aBuiltInDriverWithoutItsModuleNamesTheArtifactToAdd() {
        SwitchboardException e = startupFailure(Map.of(DriverSelection.PROPERTY, "kafka"));

        assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
        assertThat(e.getMessage()).contains("'kafka'").contains("io.switchboard:publisher-kafka");
    }

    @Test
    void withoutASettingTheDefaultDriverIsRequired() {
        SwitchboardException e = startupFailure(Map.of());

        assertThat(e.getMessage()).contains("io.switchboard:publisher-nats-hybrid").contains("the default driver");
    }

    @Test
    void aRegisteredProviderIsFoundWhateverTheCaseAndSpacing() {
        try (Switchboard switchboard = Switchboard.fromSettings(DriverSettings.of(Map.of(
                DriverSelection.ENVIRONMENT_VARIABLE, " Recording ",
                RecordingDriverProvider.MAX_PAYLOAD_BYTES, "2048")))) {
            assertThat(switchboard.driverName()).isEqualTo(RecordingDriver.NAME);
            assertThat(switchboard.capabilities().maxPayloadBytes()).as("a driver setting reached the driver")
                    .isEqualTo(2048);
            assertThat(switchboard.unwrap(RecordingDriver.class)).containsSame(RecordingDriverProvider.lastCreated);
        }
    }

    @Test
    void invalidCoreSettingsFailStartUpAndCloseTheDriverAlreadyCreated() {
        SwitchboardException e = startupFailure(Map.of(DriverSelection.PROPERTY, RecordingDriver.NAME,
                "event.publish-timeout", "soon"));

        assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
        assertThat(e.getMessage()).contains("event.publish-timeout").contains("soon");
        assertThat(RecordingDriverProvider.lastCreated.log()).containsExactly("closed driver");
    }

    @Test
    void theIdempotencyKeySettingIsParsed() {
        assertThat(Switchboard.parseIdempotencyKey("natural-key")).isEqualTo(IdempotencyKey.NATURAL_KEY);
        assertThat(Switchboard.parseIdempotencyKey(" Event-Id ")).isEqualTo(IdempotencyKey.EVENT_ID);
        assertThat(catchThrowableOfType(SwitchboardException.class, () -> Switchboard.parseIdempotencyKey("uuid"))
                .getMessage()).contains("event-id, natural-key, none");
    }

    private static SwitchboardException startupFailure(Map<String, String> settings) {
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class,
                () -> Switchboard.fromSettings(DriverSettings.of(settings)));
        assertThat(e).as("start-up with %s", settings).isNotNull();
        return e;
    }
}
