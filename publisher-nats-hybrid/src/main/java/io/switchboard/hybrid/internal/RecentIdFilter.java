package io.switchboard.hybrid.internal;

import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.EventCodec;
import io.switchboard.spi.MessageHandler;

/**
 * Merges the two legs of one broadcast subscription: the first copy of an event id, from either leg, is handled;
 * later copies are dropped. The queue leg's copies carry the id only in the envelope, so it is read from there.
 */
public final class RecentIdFilter {

    private final EventCodec codec;
    private final RecentIds ids;

    public RecentIdFilter(EventCodec codec, int capacity) {
        this.codec = codec;
        this.ids = new RecentIds(capacity);
    }

    public boolean firstTime(String eventId) {
        return ids.firstTime(eventId);
    }

    /** {@code handler}, skipping (acknowledging) queue-leg copies of events already seen. */
    public MessageHandler filtering(MessageHandler handler) {
        return message -> {
            String id;
            try {
                id = codec.decode(message.payload(), Object.class).id();
            } catch (RuntimeException malformed) {
                return handler.handle(message); // the pipeline deals with it
            }
            return message.attempt() > 1 || ids.firstTime(id) ? handler.handle(message) : DeliveryOutcome.ACK;
        };
    }
}
