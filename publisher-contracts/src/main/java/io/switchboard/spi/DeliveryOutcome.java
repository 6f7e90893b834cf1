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
     * The handler was cancelled by shutdown (drain deadline exceeded): neither acknowledge nor count an attempt;
     * leave the message to be redelivered later.
     */
    record Release() implements DeliveryOutcome {
    }

    Ack ACK = new Ack();
    Release RELEASE = new Release();
}
