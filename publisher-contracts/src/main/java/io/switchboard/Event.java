package io.switchboard;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The envelope every driver carries: the organisation's standard event format (see DESIGN.md).
 *
 * <p>Required: {@code id} (unique, time-ordered; the default idempotency key), {@code type}, {@code timestamp} and
 * {@code data}. {@code aggregateId}, {@code aggregateType} and {@code version} (the aggregate's version after the
 * event) identify what changed; {@code aggregateId:type:version} is the natural idempotency key. Correlation and
 * causation ids are filled in at publish time when the caller leaves them empty. {@code extensions} holds top-level
 * fields this version does not know, so they survive a read and re-write.
 *
 * @param <T> the type of {@code data}
 */
public record Event<T>(
        String id,
        EventType type,
        Instant timestamp,
        String correlationId,
        String causationId,
        String aggregateId,
        String aggregateType,
        Long version,
        String source,
        Integer schemaVersion,
        Map<String, String> headers,
        T data,
        Map<String, Object> extensions) {

    /** Longest accepted id, correlation id or header key. */
    public static final int MAX_ID_LENGTH = 256;

    public Event {
        if (type == null) {
            throw SwitchboardException.invalid(EventType.problem(null, false));
        }
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            throw SwitchboardException.invalid("Event id must be 1.." + MAX_ID_LENGTH + " characters and not blank, got "
                    + (id == null ? "null" : "'" + id + "'") + "; leave it unset to get a generated time-ordered id");
        }
        if (timestamp == null) {
            throw SwitchboardException.invalid("Event timestamp must not be null (event id " + id + ")");
        }
        if (data == null) {
            throw SwitchboardException.invalid("Event data must not be null (event id " + id + ", type " + type
                    + "); use an empty map or record for an event without data");
        }
        if (version != null && version < 0) {
            throw SwitchboardException.invalid("Event version must be >= 0, got " + version + " (event id " + id + ")");
        }
        headers = copyHeaders(headers, id);
        extensions = extensions == null || extensions.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /** A new event of {@code type} carrying {@code data}, with a fresh id and the current time. */
    public static <T> Event<T> of(String type, T data) {
        return Event.<T>builder(type).data(data).build();
    }

    public static <T> Builder<T> builder(String type) {
        return new Builder<T>().type(type);
    }

    /** A builder holding this event's values, to derive a modified copy. */
    public Builder<T> toBuilder() {
        Builder<T> b = new Builder<>();
        b.id = id;
        b.type = type;
        b.timestamp = timestamp;
        b.correlationId = correlationId;
        b.causationId = causationId;
        b.aggregateId = aggregateId;
        b.aggregateType = aggregateType;
        b.version = version;
        b.source = source;
        b.schemaVersion = schemaVersion;
        b.headers = headers.isEmpty() ? null : new LinkedHashMap<>(headers);
        b.data = data;
        b.extensions = extensions.isEmpty() ? null : new LinkedHashMap<>(extensions);
        return b;
    }

    /** The natural idempotency key {@code aggregateId:type:version}, or {@code null} without aggregate id and version. */
    public String naturalKey() {
        return aggregateId == null || version == null ? null : aggregateId + ":" + type.value() + ":" + version;
    }

    /** The key that orders events: the aggregate id, or {@code null} when the event has none. */
    public String orderingKey() {
        return aggregateId;
    }

    private static Map<String, String> copyHeaders(Map<String, String> headers, String id) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty() || key.length() > MAX_ID_LENGTH) {
                throw SwitchboardException.invalid("Header keys must be 1.." + MAX_ID_LENGTH
                        + " characters, got " + (key == null ? "null" : "'" + key + "'") + " (event id " + id + ")");
            }
            if (e.getValue() == null) {
                throw SwitchboardException.invalid("Header '" + key + "' has a null value; remove the header "
                        + "instead (event id " + id + ")");
            }
            copy.put(key, e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    /** Builds an {@link Event}; unset id and timestamp are generated. */
    public static final class Builder<T> {
        private String id;
        private EventType type;
        private Instant timestamp;
        private String correlationId;
        private String causationId;
        private String aggregateId;
        private String aggregateType;
        private Long version;
        private String source;
        private Integer schemaVersion;
        /** Created when the first header is set (most events have none, and one is built per publish). */
        private Map<String, String> headers;
        private T data;
        private Map<String, Object> extensions;

        private Builder() {
        }

        public Builder<T> id(String id) {
            this.id = id;
            return this;
        }

        public Builder<T> type(String type) {
            this.type = new EventType(type);
            return this;
        }

        public Builder<T> type(EventType type) {
            this.type = type;
            return this;
        }

        public Builder<T> timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public Builder<T> correlationId(String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        public Builder<T> causationId(String causationId) {
            this.causationId = causationId;
            return this;
        }

        /** The aggregate this event belongs to and its version after the event. */
        public Builder<T> aggregate(String aggregateType, String aggregateId, long version) {
            this.aggregateType = aggregateType;
            this.aggregateId = aggregateId;
            this.version = version;
            return this;
        }

        public Builder<T> aggregateId(String aggregateId) {
            this.aggregateId = aggregateId;
            return this;
        }

        public Builder<T> aggregateType(String aggregateType) {
            this.aggregateType = aggregateType;
            return this;
        }

        public Builder<T> version(Long version) {
            this.version = version;
            return this;
        }

        public Builder<T> source(String source) {
            this.source = source;
            return this;
        }

        public Builder<T> schemaVersion(Integer schemaVersion) {
            this.schemaVersion = schemaVersion;
            return this;
        }

        public Builder<T> header(String key, String value) {
            if (headers == null) {
                headers = new LinkedHashMap<>();
            }
            headers.put(key, value);
            return this;
        }

        public Builder<T> headers(Map<String, String> headers) {
            this.headers = new LinkedHashMap<>(headers);
            return this;
        }

        @SuppressWarnings("unchecked")
        public <D> Builder<D> data(D data) {
            Builder<D> self = (Builder<D>) this;
            self.data = data;
            return self;
        }

        public Builder<T> extension(String name, Object value) {
            if (extensions == null) {
                extensions = new LinkedHashMap<>();
            }
            extensions.put(name, value);
            return this;
        }

        public Event<T> build() {
            return new Event<>(id == null ? EventIds.newEventId() : id, type,
                    timestamp == null ? Instant.now() : timestamp, correlationId, causationId, aggregateId,
                    aggregateType, version, source, schemaVersion, headers, data, extensions);
        }
    }
}
