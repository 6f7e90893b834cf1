package io.switchboard;

import java.util.Objects;

/**
 * The one exception type of Switchboard: every failure, at publish, subscribe or configuration time, is one of these,
 * with a {@link Reason} to branch on and, where known, the event id, type and destination it concerns.
 */
public final class SwitchboardException extends RuntimeException {

    /** Why an operation failed. */
    public enum Reason {
        /** The event or an argument breaks a rule (type name, null field, header); nothing was sent. */
        INVALID_EVENT,
        /** The event's data could not be serialized; nothing was sent. */
        UNSERIALIZABLE,
        /** The encoded event is larger than the driver or configuration allows; nothing was sent. */
        TOO_LARGE,
        /** Bytes received from a broker are not a valid envelope. */
        MALFORMED,
        /** The publisher or subscription is closed. */
        CLOSED,
        /** The broker (or a buffer in front of it) cannot take the event now. */
        UNAVAILABLE,
        /** No acknowledgement within the deadline. The event may still be delivered: the outcome is indeterminate. */
        TIMEOUT,
        /** The calling thread was interrupted while waiting. The outcome is indeterminate. */
        INTERRUPTED,
        /** The broker refused the event (authorization, limits, missing destination). */
        REJECTED,
        /** Settings are missing or wrong; raised at start-up, before anything is sent. */
        CONFIGURATION,
        /** The driver failed in a way it did not classify. */
        DRIVER_ERROR
    }

    private final Reason reason;
    private final String eventId;
    private final String eventType;
    private final String destination;

    private SwitchboardException(Reason reason, String message, String eventId, String eventType,
            String destination, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.eventId = eventId;
        this.eventType = eventType;
        this.destination = destination;
    }

    public static SwitchboardException of(Reason reason, String message) {
        return new SwitchboardException(reason, message, null, null, null, null);
    }

    public static SwitchboardException of(Reason reason, String message, Throwable cause) {
        return new SwitchboardException(reason, message, null, null, null, cause);
    }

    /** A failure concerning one event; the id and type are added to the message. */
    public static SwitchboardException forEvent(Reason reason, Event<?> event, String message, Throwable cause) {
        String id = event == null ? null : event.id();
        String type = event == null ? null : event.type().value();
        return new SwitchboardException(reason, withContext(message, id, type, null), id, type, null, cause);
    }

    /** A failure concerning one event and the broker destination it was bound for. */
    public static SwitchboardException forEvent(Reason reason, String eventId, String eventType, String destination,
            String message, Throwable cause) {
        return new SwitchboardException(reason, withContext(message, eventId, eventType, destination), eventId,
                eventType, destination, cause);
    }

    public static SwitchboardException invalid(String message) {
        return of(Reason.INVALID_EVENT, message);
    }

    public static SwitchboardException configuration(String message) {
        return of(Reason.CONFIGURATION, message);
    }

    public static SwitchboardException closed(String what) {
        return of(Reason.CLOSED, what + " is closed");
    }

    public Reason reason() {
        return reason;
    }

    /** The id of the event concerned, or {@code null}. */
    public String eventId() {
        return eventId;
    }

    /** The type of the event concerned, or {@code null}. */
    public String eventType() {
        return eventType;
    }

    /** The broker destination (topic, queue, stream, subject) concerned, or {@code null}. */
    public String destination() {
        return destination;
    }

    /** Whether the event may have reached the broker despite the failure (a retry with the same id is safe). */
    public boolean isIndeterminate() {
        return reason == Reason.TIMEOUT || reason == Reason.INTERRUPTED;
    }

    private static String withContext(String message, String id, String type, String destination) {
        StringBuilder b = new StringBuilder(message);
        if (id != null || type != null || destination != null) {
            b.append(" [");
            String sep = "";
            if (id != null) {
                b.append("event id=").append(id);
                sep = ", ";
            }
            if (type != null) {
                b.append(sep).append("type=").append(type);
                sep = ", ";
            }
            if (destination != null) {
                b.append(sep).append("destination=").append(destination);
            }
            b.append(']');
        }
        return b.toString();
    }
}
