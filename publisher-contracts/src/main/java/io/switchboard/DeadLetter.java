package io.switchboard;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event that could not be handled: the original bytes exactly as received, and metadata under the keys of
 * {@link Keys}, identical on every driver.
 */
public record DeadLetter(byte[] payload, Map<String, String> metadata) {

    /** The metadata keys every driver writes on a dead-lettered event. */
    public static final class Keys {
        /** The event type (or broker destination) the event was consumed from. */
        public static final String SOURCE = "dlq-source";
        /** The subscriber group, or {@code broadcast} for a broadcast subscription. */
        public static final String GROUP = "dlq-group";
        /** The number of attempts made. */
        public static final String ATTEMPTS = "dlq-attempts";
        /** ISO-8601 time of the first failed attempt. */
        public static final String FIRST_FAILURE_AT = "dlq-first-failure-at";
        /** ISO-8601 time of the last failed attempt. */
        public static final String LAST_FAILURE_AT = "dlq-last-failure-at";
        /** The class of the last failure. */
        public static final String EXCEPTION_CLASS = "dlq-exception-class";
        /** The message of the last failure (may be empty). */
        public static final String EXCEPTION_MESSAGE = "dlq-exception-message";
        /** The stack trace of the last failure, truncated. */
        public static final String EXCEPTION_STACKTRACE = "dlq-exception-stacktrace";
        /** Why it was dead-lettered: {@code attempts-exhausted}, {@code non-retryable} or {@code malformed}. */
        public static final String REASON = "dlq-reason";
        /** The event id, when the payload could be read. */
        public static final String EVENT_ID = "dlq-event-id";
        /** The broker's own id of the original message (offset, entry id, message id), when it has one. */
        public static final String ORIGINAL_MESSAGE_ID = "dlq-original-message-id";

        private Keys() {
        }
    }

    public DeadLetter {
        Objects.requireNonNull(payload, "payload");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
    }

    public String get(String key) {
        return metadata.get(key);
    }

    public int attempts() {
        return Integer.parseInt(metadata.getOrDefault(Keys.ATTEMPTS, "0"));
    }

    @Override
    public String toString() {
        return "DeadLetter" + metadata;
    }
}
