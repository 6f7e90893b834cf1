package io.switchboard.testing;

import io.switchboard.Event;
import io.switchboard.EventType;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.spi.EventCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;

/**
 * A codec for the contract's own tests, which cannot use the JSON codec (it lives in a module depending on this one):
 * the envelope's fields as one Java-serialized record. The data must be {@link Serializable}.
 */
public final class SerializingCodec implements EventCodec {

    private record Envelope(String id, String type, Instant timestamp, String correlationId, String causationId,
            String aggregateId, String aggregateType, Long version, String source, Integer schemaVersion,
            LinkedHashMap<String, String> headers, Object data, LinkedHashMap<String, Object> extensions)
            implements Serializable {
    }

    @Override
    public String contentType() {
        return "application/x-java-serialized-object";
    }

    @Override
    public byte[] encode(Event<?> e) {
        Envelope envelope = new Envelope(e.id(), e.type().value(), e.timestamp(), e.correlationId(), e.causationId(),
                e.aggregateId(), e.aggregateType(), e.version(), e.source(), e.schemaVersion(),
                new LinkedHashMap<>(e.headers()), e.data(), new LinkedHashMap<>(e.extensions()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(envelope);
        } catch (IOException ex) {
            throw SwitchboardException.forEvent(Reason.UNSERIALIZABLE, e, "cannot serialize: " + ex, ex);
        }
        return bytes.toByteArray();
    }

    @Override
    public <T> Event<T> decode(byte[] payload, Class<T> dataType) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            Envelope e = (Envelope) in.readObject();
            if (!dataType.isInstance(e.data())) {
                throw new ClassCastException(e.data().getClass() + " is not a " + dataType);
            }
            return new Event<>(e.id(), EventType.of(e.type()), e.timestamp(), e.correlationId(), e.causationId(),
                    e.aggregateId(), e.aggregateType(), e.version(), e.source(), e.schemaVersion(), e.headers(),
                    dataType.cast(e.data()), e.extensions());
        } catch (IOException | ClassNotFoundException | RuntimeException ex) {
            throw SwitchboardException.of(Reason.MALFORMED, "not a serialized envelope: " + ex, ex);
        }
    }
}
