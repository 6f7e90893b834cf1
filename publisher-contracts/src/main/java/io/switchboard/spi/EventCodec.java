package io.switchboard.spi;

import io.switchboard.Event;
import io.switchboard.SwitchboardException;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * Turns envelopes into bytes and back. The standard implementation (JSON with Jackson) lives in
 * {@code io.switchboard:publisher-json} and is found with {@link ServiceLoader}.
 */
public interface EventCodec {

    /** The MIME type of the encoded form, e.g. {@code application/json}. */
    String contentType();

    /** Encodes {@code event}; fails with {@code UNSERIALIZABLE} if its data cannot be written. */
    byte[] encode(Event<?> event);

    /**
     * Decodes an envelope, converting {@code data} to {@code dataType} ({@code Object.class} gives maps, lists,
     * strings, numbers and booleans). Fails with {@code MALFORMED} if the bytes are not a valid envelope or the data
     * does not fit {@code dataType}.
     */
    <T> Event<T> decode(byte[] payload, Class<T> dataType);

    /** The first codec registered with {@link ServiceLoader}. */
    static EventCodec load() {
        Iterator<EventCodec> codecs = ServiceLoader.load(EventCodec.class, EventCodec.class.getClassLoader()).iterator();
        if (!codecs.hasNext()) {
            throw SwitchboardException.configuration("No EventCodec found: add the dependency "
                    + "io.switchboard:publisher-json (it is brought in by every driver module)");
        }
        return codecs.next();
    }
}
