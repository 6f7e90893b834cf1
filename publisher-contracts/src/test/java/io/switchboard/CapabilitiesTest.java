package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.Capabilities.DeadLettering;
import io.switchboard.Capabilities.Delivery;
import io.switchboard.Capabilities.Ordering;
import io.switchboard.SwitchboardException.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** A driver cannot declare promises that contradict each other. */
class CapabilitiesTest {

    @Test
    void theBuilderStartsFromTheWeakestPromises() {
        Capabilities c = Capabilities.builder().build();

        assertThat(c.delivery()).isEqualTo(Delivery.AT_MOST_ONCE);
        assertThat(c.ordering()).isEqualTo(Ordering.NONE);
        assertThat(c.durability()).isEqualTo(Capabilities.Durability.NONE);
        assertThat(c.deadLettering()).isEqualTo(DeadLettering.NONE);
        assertThat(c.publishDedupWindow()).isZero();
        assertThat(c.maxBatchSize()).isEqualTo(1);
    }

    @Test
    void aConsistentDeclarationSurvivesToBuilder() {
        Capabilities c = Capabilities.builder().delivery(Delivery.AT_LEAST_ONCE).ordering(Ordering.PER_KEY)
                .orderingAcrossRetry(true).deadLettering(DeadLettering.NATIVE)
                .consumerDedup(Duration.ofMinutes(5), true).batch(Capabilities.BatchMode.ATOMIC, 100)
                .maxPayloadBytes(256 * 1024).build();

        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void deadLetteringRequiresAtLeastOnce() {
        assertRejected(() -> Capabilities.builder().deadLettering(DeadLettering.LIBRARY).build(),
                "deadLettering LIBRARY requires delivery AT_LEAST_ONCE");
    }

    @Test
    void orderingAcrossRetryRequiresAnOrdering() {
        assertRejected(() -> Capabilities.builder().orderingAcrossRetry(true).build(),
                "orderingAcrossRetry requires an ordering other than NONE");
    }

    @Test
    void durableDedupRequiresAWindow() {
        assertRejected(() -> Capabilities.builder().consumerDedup(Duration.ZERO, true).build(),
                "consumerDedupDurable requires a consumerDedupWindow > 0");
    }

    @Test
    void latenciesMustBePositive() {
        assertRejected(() -> Capabilities.builder().maxDeliveryLatency(Duration.ZERO).build(),
                "maxDeliveryLatency must be > 0");
        assertRejected(() -> Capabilities.builder().maxRedeliveryLatency(Duration.ofMillis(-1)).build(),
                "maxRedeliveryLatency must be > 0");
    }

    @Test
    void sizesMustBePositiveAndWindowsNotNegative() {
        assertRejected(() -> Capabilities.builder().maxPayloadBytes(0).build(), "maxPayloadBytes must be >= 1");
        assertRejected(() -> Capabilities.builder().batch(Capabilities.BatchMode.ATOMIC, 0).build(),
                "maxBatchSize must be >= 1");
        assertRejected(() -> Capabilities.builder().publishDedupWindow(Duration.ofSeconds(-1)).build(),
                "dedup windows must be >= 0");
    }

    @Test
    void everyInconsistencyIsReportedAtOnce() {
        String message = assertRejected(() -> Capabilities.builder().deadLettering(DeadLettering.NATIVE)
                .orderingAcrossRetry(true).maxPayloadBytes(0).maxDeliveryLatency(Duration.ZERO).build(),
                "deadLettering NATIVE");

        assertThat(message).contains("orderingAcrossRetry").contains("maxPayloadBytes")
                .contains("maxDeliveryLatency");
    }

    @Test
    void missingValuesAreNamed() {
        assertRejected(() -> Capabilities.builder().delivery(null).ordering(null).build(),
                "delivery must be set; ordering must be set");
    }

    private static String assertRejected(ThrowingSupplier<Capabilities> declaration, String problem) {
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, declaration::get);
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.CONFIGURATION);
        assertThat(e.getMessage()).startsWith("Invalid capabilities: ").contains(problem);
        return e.getMessage();
    }
}
