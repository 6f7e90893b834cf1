package io.switchboard.spi;

import java.util.Map;
import java.util.Objects;

/**
 * An encoded event ready to send: its id (the broker's dedup id where it has one), its type (the destination is
 * derived from it), the ordering key ({@code aggregateId}, may be {@code null}), the encoded envelope and the
 * envelope's headers, which drivers with native headers may copy.
 */
public record OutboundMessage(String eventId, String type, String key, byte[] payload, Map<String, String> headers) {

    public OutboundMessage {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        headers = headers == null ? Map.of() : headers;
    }
}
