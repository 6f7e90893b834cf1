package io.switchboard.tck.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.Capabilities;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.Profile;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * T6 with real waits: a wait without progress fails at the progress timeout, well before its deadline; a wait that
 * sees progress but never its condition fails at the deadline. A multiplier of 0.02 makes them 300 ms and 600 ms.
 */
class KitWaitTest {

    private static final double MULTIPLIER = 0.02;
    private static final Capabilities DECLARED = Capabilities.builder().build(); // max delivery latency 1 s

    private ScenarioContext context() {
        DriverFixture unused = () -> {
            throw new UnsupportedOperationException("no driver needed");
        };
        return new ScenarioContext(Scenario.must("T6", "waits", ctx -> { }), unused, DECLARED, Profile.SMOKE, 1,
                MULTIPLIER, "wait");
    }

    @Test
    void aWaitWithoutProgressFailsAtTheProgressTimeoutNotTheDeadline() {
        try (ScenarioContext ctx = context()) {
            Duration progress = ctx.timing().progressTimeout();
            Duration deadline = ctx.timing().deadline(1);
            assertThat(progress).isEqualTo(Duration.ofMillis(300));
            assertThat(deadline).isEqualTo(Duration.ofMillis(600));
            long start = System.nanoTime();
            assertThatThrownBy(() -> ctx.await("something that never happens", 1, () -> false))
                    .isInstanceOf(AssertionError.class).hasMessageStartingWith("No progress");
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsed).isBetween(progress.toMillis(), deadline.toMillis() - 1);
        }
    }

    @Test
    void aWaitWithProgressButNoSuccessFailsAtTheDeadline() throws Exception {
        try (ScenarioContext ctx = context()) {
            AtomicBoolean running = new AtomicBoolean(true);
            Thread progress = new Thread(() -> {
                while (running.get()) {
                    ctx.ledger().record(new Ledger.Handling("e", "t", "g", "c", 1, null, -1, false,
                            System.nanoTime()));
                    ScenarioContext.pause(10);
                }
            });
            progress.start();
            long start = System.nanoTime();
            try {
                assertThatThrownBy(() -> ctx.await("a condition that never holds", 1, () -> false))
                        .isInstanceOf(AssertionError.class).hasMessageStartingWith("Timed out");
            } finally {
                running.set(false);
                progress.join();
            }
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(600);
        }
    }

    @Test
    void theQuietWindowIsTwiceTheDeclaredRedeliveryLatencyTimesTheMultiplier() {
        try (ScenarioContext ctx = context()) {
            assertThat(ctx.timing().quietWindow()).isEqualTo(Duration.ofMillis(40)); // 2 × 1 s × 0.02
        }
    }
}
