package io.switchboard.json;

import io.switchboard.Event;
import io.switchboard.EventType;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.spi.EventCodec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON envelope of DESIGN.md, compact UTF-8, with Jackson. The envelope fields are written in a fixed order:
 * {@code id, type, timestamp, correlationId, causationId, aggregateId, aggregateType, version} (always, {@code null}
 * when absent), then {@code source}, {@code schemaVersion} and {@code headers} when present, then {@code data}, then
 * the unknown top-level fields kept in {@link Event#extensions()} in the order they were read. Reading is lenient
 * where schemas evolve (unknown fields, unknown data properties) and strict about the envelope itself.
 *
 * <p>Untyped data ({@code Object.class}, {@code Map.class}) and unknown fields keep numbers exactly: integers stay
 * {@code Integer}/{@code Long}/{@code BigInteger}, decimals become {@code BigDecimal}, so {@code 12.50} is written
 * back as {@code 12.50}. Thread-safe.
 */
public final class JsonEventCodec implements EventCodec {

    public static final String CONTENT_TYPE = "application/json";

    static final String ID = "id";
    static final String TYPE = "type";
    static final String TIMESTAMP = "timestamp";
    static final String CORRELATION_ID = "correlationId";
    static final String CAUSATION_ID = "causationId";
    static final String AGGREGATE_ID = "aggregateId";
    static final String AGGREGATE_TYPE = "aggregateType";
    static final String VERSION = "version";
    static final String SOURCE = "source";
    static final String SCHEMA_VERSION = "schemaVersion";
    static final String HEADERS = "headers";
    static final String DATA = "data";

    private static final Set<String> ENVELOPE_FIELDS = Set.of(ID, TYPE, TIMESTAMP, CORRELATION_ID, CAUSATION_ID,
            AGGREGATE_ID, AGGREGATE_TYPE, VERSION, SOURCE, SCHEMA_VERSION, HEADERS, DATA);

    /** Jackson's messages can carry a reference chain hundreds of entries long (cycles); keep errors readable. */
    private static final int MAX_DETAIL_CHARS = 500;

    private static final JsonMapper DEFAULT_MAPPER = configure(JsonMapper.builder());

    /** Each thread's encode buffer, reused for its next event (one encode per publish). */
    private static final ThreadLocal<EncodeBuffer> BUFFERS = ThreadLocal.withInitial(EncodeBuffer::new);

    private final JsonMapper mapper;
    /** A reader per data type: the mapper's root-deserializer lookup and context set-up, done once, not per event. */
    private final ClassValue<ObjectReader> readers = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return mapper.readerFor(type);
        }
    };

    /** The codec with its own mapper; this is what {@link EventCodec#load()} finds. */
    public JsonEventCodec() {
        this.mapper = DEFAULT_MAPPER;
    }

    /**
     * A codec converting {@code data} with a copy of {@code mapper} (for example the application's, with its
     * modules), on which the settings the envelope relies on are applied.
     */
    public JsonEventCodec(JsonMapper mapper) {
        this.mapper = configure(Objects.requireNonNull(mapper, "mapper").rebuild());
    }

    private static JsonMapper configure(JsonMapper.Builder builder) {
        return builder
                // Untyped data and unknown fields must be re-written exactly: 12.50 must not become 12.5.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // Newer producers add data properties; older consumers must not fail on them.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Older producers lack properties a newer consumer added; a primitive then gets its default.
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // Data and unknown fields are read from the middle of the envelope; decode checks the end itself.
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Jackson 3 writes an object it sees no properties in as {}; that would send an event without its
                // content, so fail instead. Empty records are still written as {}.
                .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.UNWRAP_ROOT_VALUE)
                .disable(SerializationFeature.WRAP_ROOT_VALUE)
                .disable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(Event<?> event) {
        Objects.requireNonNull(event, "event");
        for (String name : event.extensions().keySet()) {
            if (ENVELOPE_FIELDS.contains(name)) {
                throw SwitchboardException.forEvent(Reason.UNSERIALIZABLE, event, "The extension field '" + name
                        + "' has the name of an envelope field; set the envelope field instead", null);
            }
        }
        EncodeBuffer out = EncodeBuffer.take(BUFFERS);
        String extension = null; // the extension field being written, for the error message
        boolean inData = false;
        try (JsonGenerator g = mapper.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringProperty(ID, event.id());
            g.writeStringProperty(TYPE, event.type().value());
            g.writeStringProperty(TIMESTAMP, IsoInstants.format(event.timestamp()));
            g.writeStringProperty(CORRELATION_ID, event.correlationId());
            g.writeStringProperty(CAUSATION_ID, event.causationId());
            g.writeStringProperty(AGGREGATE_ID, event.aggregateId());
            g.writeStringProperty(AGGREGATE_TYPE, event.aggregateType());
            if (event.version() == null) {
                g.writeNullProperty(VERSION);
            } else {
                g.writeNumberProperty(VERSION, event.version().longValue());
            }
            if (event.source() != null) {
                g.writeStringProperty(SOURCE, event.source());
            }
            if (event.schemaVersion() != null) {
                g.writeNumberProperty(SCHEMA_VERSION, event.schemaVersion().intValue());
            }
            if (!event.headers().isEmpty()) {
                g.writeName(HEADERS);
                g.writeStartObject();
                for (Map.Entry<String, String> h : event.headers().entrySet()) {
                    g.writeStringProperty(h.getKey(), h.getValue());
                }
                g.writeEndObject();
            }
            inData = true;
            g.writePOJOProperty(DATA, event.data());
            inData = false;
            for (Map.Entry<String, Object> x : event.extensions().entrySet()) {
                extension = x.getKey();
                g.writePOJOProperty(x.getKey(), x.getValue());
            }
            extension = null;
            g.writeEndObject();
        } catch (RuntimeException e) { // JacksonException, or whatever a user's getter threw
            out.release();
            String part = inData ? "data (" + event.data().getClass().getName() + ")"
                    : extension != null ? "extension field '" + extension + "'" : "envelope";
            throw SwitchboardException.forEvent(Reason.UNSERIALIZABLE, event, "Cannot write the event's " + part
                    + " as JSON: " + describe(e), e);
        }
        byte[] encoded = out.toByteArray();
        out.release();
        return encoded;
    }

    @Override
    public <T> Event<T> decode(byte[] payload, Class<T> dataType) {
        Objects.requireNonNull(dataType, "dataType");
        if (payload == null || payload.length == 0) {
            throw malformed(null, null, "the payload is empty", null);
        }
        return new Reading<>(dataType).read(payload);
    }

    /** The state of one decode: the envelope fields in the order they come. */
    private final class Reading<T> {
        private final Class<T> dataType;
        /** The envelope fields read so far, a bit per field (see {@link #bit}); extensions are keys of their map. */
        private int seen;
        private String id;
        private String type;
        private String timestamp;
        private String correlationId;
        private String causationId;
        private String aggregateId;
        private String aggregateType;
        private Long version;
        private String source;
        private Integer schemaVersion;
        private Map<String, String> headers;
        private boolean hasData;
        private T data;
        private Map<String, Object> extensions;

        Reading(Class<T> dataType) {
            this.dataType = dataType;
        }

        Event<T> read(byte[] payload) {
            try (JsonParser p = mapper.createParser(payload)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw fail("the payload is not a JSON object", null);
                }
                for (String name = p.nextName(); name != null; name = p.nextName()) {
                    int bit = bit(name);
                    if ((seen & bit) != 0 || (bit == 0 && extensions != null && extensions.containsKey(name))) {
                        throw fail("the field '" + name + "' occurs twice", null);
                    }
                    seen |= bit;
                    p.nextToken();
                    readField(p, name);
                }
                if (p.nextToken() != null) {
                    throw fail("unexpected content after the envelope", null);
                }
            } catch (SwitchboardException e) {
                throw e;
            } catch (JacksonException e) {
                throw fail("not valid JSON: " + describe(e), e);
            } catch (RuntimeException e) {
                throw fail(describe(e), e);
            }
            return build();
        }

        /** The bit of an envelope field in {@link #seen}; 0 for any other (an extension). */
        private static int bit(String name) {
            return switch (name) {
                case ID -> 1;
                case TYPE -> 1 << 1;
                case TIMESTAMP -> 1 << 2;
                case CORRELATION_ID -> 1 << 3;
                case CAUSATION_ID -> 1 << 4;
                case AGGREGATE_ID -> 1 << 5;
                case AGGREGATE_TYPE -> 1 << 6;
                case VERSION -> 1 << 7;
                case SOURCE -> 1 << 8;
                case SCHEMA_VERSION -> 1 << 9;
                case HEADERS -> 1 << 10;
                case DATA -> 1 << 11;
                default -> 0;
            };
        }

        private void readField(JsonParser p, String name) {
            switch (name) {
                case ID -> id = string(p, name);
                case TYPE -> type = string(p, name);
                case TIMESTAMP -> timestamp = string(p, name);
                case CORRELATION_ID -> correlationId = string(p, name);
                case CAUSATION_ID -> causationId = string(p, name);
                case AGGREGATE_ID -> aggregateId = string(p, name);
                case AGGREGATE_TYPE -> aggregateType = string(p, name);
                case VERSION -> version = wholeNumber(p, name, false);
                case SOURCE -> source = string(p, name);
                case SCHEMA_VERSION -> {
                    Long v = wholeNumber(p, name, true);
                    schemaVersion = v == null ? null : v.intValue();
                }
                case HEADERS -> headers = headers(p);
                case DATA -> {
                    hasData = true;
                    data = data(p);
                }
                default -> {
                    if (extensions == null) {
                        extensions = new LinkedHashMap<>();
                    }
                    extensions.put(name, mapper.readValue(p, Object.class));
                }
            }
        }

        private String string(JsonParser p, String name) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.VALUE_STRING) {
                throw fail("'" + name + "' must be a string, got " + t, null);
            }
            return p.getString();
        }

        private Long wholeNumber(JsonParser p, String name, boolean intRange) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            JsonParser.NumberType n = t == JsonToken.VALUE_NUMBER_INT ? p.getNumberType() : null;
            if (n == JsonParser.NumberType.INT || (n == JsonParser.NumberType.LONG && !intRange)) {
                return p.getLongValue();
            }
            throw fail("'" + name + "' must be a whole number" + (intRange ? " within int range" : " within long range")
                    + ", got " + (t.isNumeric() ? p.getString() : t.toString()), null);
        }

        private Map<String, String> headers(JsonParser p) {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw fail("'headers' must be an object of strings, got " + p.currentToken(), null);
            }
            Map<String, String> result = new LinkedHashMap<>();
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw fail("the header '" + name + "' must be a string, got " + p.currentToken(), null);
                }
                result.put(name, p.getString());
            }
            return result;
        }

        private T data(JsonParser p) {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                throw fail("'data' must not be null", null);
            }
            try {
                return readers.get(dataType).readValue(p);
            } catch (DatabindException e) { // syntax errors (StreamReadException) are reported as invalid JSON
                throw fail("'data' does not fit " + dataType.getName() + ": " + describe(e), e);
            }
        }

        private Event<T> build() {
            requirePresent(ID, id);
            requirePresent(TYPE, type);
            requirePresent(TIMESTAMP, timestamp);
            if (!hasData) {
                throw fail("the required field 'data' is missing", null);
            }
            EventType eventType;
            try {
                eventType = EventType.of(type);
            } catch (SwitchboardException e) {
                throw fail(e.getMessage(), e);
            }
            Instant instant;
            try {
                instant = IsoInstants.parse(timestamp);
            } catch (DateTimeParseException e) {
                throw fail("'timestamp' must be an ISO-8601 instant such as 2024-01-15T10:30:00Z, got '"
                        + timestamp + "'", e);
            }
            try {
                return new Event<>(id, eventType, instant, correlationId, causationId, aggregateId, aggregateType,
                        version, source, schemaVersion, headers, data, extensions);
            } catch (SwitchboardException e) {
                throw fail(e.getMessage(), e);
            }
        }

        private void requirePresent(String name, String value) {
            if (value == null) {
                throw fail("the required field '" + name + "' is " + ((seen & bit(name)) != 0 ? "null" : "missing"),
                        null);
            }
        }

        private SwitchboardException fail(String detail, Throwable cause) {
            return malformed(id, type, detail, cause);
        }
    }

    private static SwitchboardException malformed(String id, String type, String detail, Throwable cause) {
        return SwitchboardException.forEvent(Reason.MALFORMED, id, type, null, "Malformed event envelope: "
                + detail, cause);
    }

    private static String describe(RuntimeException e) {
        String text;
        if (e instanceof JacksonException je) {
            Throwable cause = je.getCause();
            String origin = cause != null && !(cause instanceof JacksonException)
                    ? cause.getClass().getName() + ": " : "";
            String path = je.getPath().isEmpty() ? "" : " (at " + je.getPathReference() + ")";
            text = origin + je.getOriginalMessage() + path;
        } else {
            text = e.toString();
        }
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
    }
}
