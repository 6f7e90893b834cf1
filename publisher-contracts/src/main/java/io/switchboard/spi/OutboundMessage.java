package io.switchboard.spi;

import java.util.Map;
import java.util.Objects;

/**
 * An encoded event ready to send: its id (the broker's dedup id where it has one), its type (the destination is
 * derived from it), the ordering key ({@code aggregateId}, may be {@code null}), the encoded envelope and the
 * envelope's headers, which drivers with native headers may copy. {@code dataType} is the class of the event's data
 * when the publisher knows it ({@code null} otherwise), for drivers that route by an annotation on it
 * ({@link io.switchboard.RealTime}); it is never sent.
 */
public record OutboundMessage(String eventId, String type, String key, byte[] payload, Map<String, String> headers,
        Class<?> dataType) {

    public OutboundMessage {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        headers = headers == null ? Map.of() : headers;
    }

    /** A message whose data class is unknown. */
    public OutboundMessage(String eventId, String type, String key, byte[] payload, Map<String, String> headers) {
        this(eventId, type, key, payload, headers, null);
    }
}
