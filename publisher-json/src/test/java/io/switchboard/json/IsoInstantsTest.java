package io.switchboard.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written timestamp format and parse give exactly what the JDK gives. */
class IsoInstantsTest {

    @Test
    void formatIsInstantToStringAndParseIsInstantParse() {
        SplittableRandom random = new SplittableRandom(7);
        long max = Instant.parse("9999-12-31T23:59:59.999999999Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(-max, max + 2);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            String text = IsoInstants.format(instant);
            assertThat(text).isEqualTo(instant.toString());
            assertThat(IsoInstants.parse(text)).isEqualTo(instant).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-15T10:30:00Z", "2024-01-15T10:30:00.5Z", "2024-01-15T10:30:00.12Z",
            "2024-01-15T10:30:00.1234Z", "2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
            "2024-01-15t10:30:00z", "2024-01-15T10:30:00+01:00", "2024-01-15T23:59:60Z", "0999-01-01T00:00:00Z",
            "2024-01-15T10:30:00.Z"})
    void parsesWhatTheJdkParses(String text) {
        assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T10:30:00Z", "2024-13-15T10:30:00Z", "2024-01-15T24:30:00Z",
            "2024-01-15T10:60:00Z", "2024-01-15T10:30:00.1234567890Z",
            "2024-01-15 10:30:00Z", "2024-01-15T10:30:0xZ", "2024-01-15T10:30Z", "yesterday", ""})
    void rejectsWhatTheJdkRejects(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(DateTimeParseException.class);
    }
}
