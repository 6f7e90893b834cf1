package io.switchboard.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One delivery as the driver received it.
 *
 * @param payload         the bytes exactly as received
 * @param source          where it came from (event type, topic, stream or queue), for dead-letter metadata
 * @param attempt         1 for the first delivery, incremented by the driver on each redelivery
 * @param firstFailureAt  when the first attempt failed, as returned in an earlier {@link DeliveryOutcome.Retry}; null
 *                        on the first attempt
 * @param brokerMessageId the broker's id of the message (offset, entry id, message id), or null
 */
public record InboundMessage(byte[] payload, String source, int attempt, Instant firstFailureAt,
        String brokerMessageId) {

    public InboundMessage {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(source, "source");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
    }
}
