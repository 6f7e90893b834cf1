package io.switchboard.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<String> ran = new ArrayList<>();

    @Test
    void advanceRunsTheTimersThatFallDueInDueOrderAtTheirDueTime() {
        Instant t0 = clock.instant();
        clock.schedule(Duration.ofSeconds(3), () -> ran.add("3s at " + clock.instant()));
        clock.schedule(Duration.ofSeconds(1), () -> ran.add("1s at " + clock.instant()));
        clock.schedule(Duration.ofSeconds(9), () -> ran.add("9s"));

        clock.advance(Duration.ofSeconds(5));

        assertThat(ran).containsExactly("1s at " + t0.plusSeconds(1), "3s at " + t0.plusSeconds(3));
        assertThat(clock.instant()).isEqualTo(t0.plusSeconds(5));
        assertThat(clock.pendingTimers()).isEqualTo(1);
        assertThat(clock.nextDue()).contains(t0.plusSeconds(9));
    }

    @Test
    void aTimerScheduledByATimerRunsInTheSameAdvanceIfItFallsDue() {
        clock.schedule(Duration.ofSeconds(1), () -> {
            ran.add("first");
            clock.schedule(Duration.ofSeconds(1), () -> ran.add("second"));
        });

        clock.advance(Duration.ofSeconds(2));

        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void aZeroDelayRunsAtOnce() {
        clock.schedule(Duration.ZERO, () -> ran.add("now"));

        assertThat(ran).containsExactly("now");
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void aZoneViewSharesTheTimeLine() {
        ManualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofMinutes(1));

        assertThat(paris.instant()).isEqualTo(clock.instant());
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    }

    @Test
    void timeOnlyMovesForward() {
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
