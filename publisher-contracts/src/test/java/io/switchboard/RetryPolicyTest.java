package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.SwitchboardException.Reason;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exponential back-off, capped, and the decision whether a failed attempt gets another one. */
class RetryPolicyTest {

    @Test
    void theDefaultsAreThreeAttemptsWithOneSecondDoubling() {
        RetryPolicy policy = RetryPolicy.defaults();

        assertThat(policy.maxAttempts()).isEqualTo(3);
        assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void delaysAreCappedAtMaxDelay() {
        RetryPolicy policy = new RetryPolicy(20, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), Set.of());

        assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delayAfter(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayAfter(20)).isEqualTo(Duration.ofSeconds(10));
        // 2^9999 overflows a double: still the cap, not an exception or a negative delay.
        assertThat(policy.delayAfter(10_000)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void exponentialKeepsTheDefaultCapUnlessTheFirstDelayIsLonger() {
        assertThat(RetryPolicy.exponential(5, Duration.ofMillis(100)).delayAfter(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(RetryPolicy.exponential(5, Duration.ofMinutes(10)).delayAfter(3)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void retriesUntilTheAttemptsAreUsedUp() {
        RetryPolicy policy = RetryPolicy.defaults();
        RuntimeException failure = new IllegalStateException("down");

        assertThat(policy.shouldRetry(failure, 1)).isTrue();
        assertThat(policy.shouldRetry(failure, 2)).isTrue();
        assertThat(policy.shouldRetry(failure, 3)).isFalse();
        assertThat(RetryPolicy.noRetries().shouldRetry(failure, 1)).isFalse();
    }

    @Test
    void nonRetryableFailuresAndTheirSubclassesAreNotRetried() {
        RetryPolicy policy = RetryPolicy.defaults().withNonRetryable(Set.of(IllegalArgumentException.class));

        assertThat(policy.shouldRetry(new IllegalArgumentException(), 1)).isFalse();
        assertThat(policy.shouldRetry(new NumberFormatException(), 1)).isFalse();
        assertThat(policy.isNonRetryable(new NumberFormatException())).isTrue();
        assertThat(policy.shouldRetry(new IllegalStateException(), 1)).isTrue();
    }

    @Test
    void everyProblemIsReportedInOneMessage() {
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class,
                () -> new RetryPolicy(0, Duration.ofSeconds(-1), 0.5, null, Set.of()));

        assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
        assertThat(e.getMessage()).contains("maxAttempts must be >= 1, got 0")
                .contains("initialDelay must be >= 0")
                .contains("multiplier must be a finite number >= 1, got 0.5")
                .contains("maxDelay must be >= initialDelay");
    }

    @Test
    void aMaxDelayBelowTheInitialDelayAndANonFiniteMultiplierAreRejected() {
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(5), Double.NaN, Duration.ofSeconds(1), Set.of()));

        assertThat(e.getMessage()).contains("maxDelay must be >= initialDelay, got PT1S").contains("got NaN");
        assertThat(catchThrowableOfType(SwitchboardException.class, () -> new RetryPolicy(3, Duration.ofSeconds(1),
                Double.POSITIVE_INFINITY, Duration.ofSeconds(1), Set.of())).getMessage()).contains("multiplier");
    }
}
