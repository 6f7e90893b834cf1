package io.switchboard.spi;

import io.switchboard.DeadLetter;
import java.time.Duration;
import java.time.Instant;

/** What a driver must do with a delivery after the {@link MessageHandler} ran. */
public sealed interface DeliveryOutcome {

    /** Handled (or a duplicate that was already handled): acknowledge it. */
    record Ack() implements DeliveryOutcome {
    }

    /**
     * The attempt failed and another one is due after {@code delay}. Redeliver with {@code attempt + 1} and pass
     * {@code firstFailureAt} back in the next {@link InboundMessage}.
     */
    record Retry(Duration delay, Instant firstFailureAt, Throwable failure) implements DeliveryOutcome {
    }

    /** Attempts exhausted, non-retryable or malformed: write {@code deadLetter} to the dead-letter destination, then ack. */
    record DeadLettered(DeadLetter deadLetter, Throwable failure) implements DeliveryOutcome {
    }

    /**
     * Neither acknowledge nor count an attempt: leave the message to be delivered again, with the same attempt
     * number, no sooner than {@code delay}. Returned when shutdown cancelled the handler (delay zero; the message
     * may simply stay unacknowledged until a consumer picks it up), and when another delivery of the same
     * idempotency key is still running (it must not be acknowledged: on SQS or a reclaimed Redis entry both
     * deliveries are one message, and acknowledging it would lose the event should the running one fail).
     */
    record Release(Duration delay) implements DeliveryOutcome {
    }

    Ack ACK = new Ack();
    /** Release without delay. */
    Release RELEASE = new Release(Duration.ZERO);
}
