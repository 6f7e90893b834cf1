package io.switchboard;

import io.switchboard.internal.Ulid;

/** Time-ordered identifiers: a prefix and a monotonic ULID, so ids sort by creation time. */
public final class EventIds {

    private EventIds() {
    }

    /** A new event id, e.g. {@code evt_01JD5Z8R8M4Q0S2XKJ0B6Y9W3C}. */
    public static String newEventId() {
        return Ulid.next("evt_");
    }

    /** A new correlation id, e.g. {@code corr_01JD5Z8R8M4Q0S2XKJ0B6Y9W3D}. */
    public static String newCorrelationId() {
        return Ulid.next("corr_");
    }
}
