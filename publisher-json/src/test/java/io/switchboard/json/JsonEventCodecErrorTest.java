package io.switchboard.json;

import static io.switchboard.json.JsonEventCodecTest.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.Event;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every failure is a SwitchboardException with the right reason and a message that says what is wrong. */
class JsonEventCodecErrorTest {

    private final JsonEventCodec codec = new JsonEventCodec();

    /** No properties at all: Jackson refuses to write it as an empty object. */
    static final class Opaque {
    }

    static final class Node {
        public Node next;
        public String name = "n";
    }

    public static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("value not loaded");
        }
    }

    record Amount(long amount) {
    }

    static Stream<Arguments> unserializable() {
        Node self = new Node();
        self.next = self;
        Node a = new Node();
        Node b = new Node();
        a.next = b;
        b.next = a;
        Map<String, Object> selfMap = new HashMap<>();
        selfMap.put("self", selfMap);
        List<Object> selfList = new ArrayList<>();
        selfList.add(selfList);
        return Stream.of(
                Arguments.of("no properties", new Opaque(), Opaque.class.getName()),
                Arguments.of("direct self-reference", self, "self-reference"),
                Arguments.of("indirect cycle", a, "nesting depth"),
                Arguments.of("map containing itself", selfMap, "nesting depth"),
                Arguments.of("list containing itself", selfList, "nesting depth"),
                Arguments.of("getter that throws", new Exploding(), "value not loaded"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unserializable")
    void dataJacksonCannotWriteIsUnserializable(String what, Object data, String detail) {
        Event<Object> event = Event.builder("billing.invoice.issued").data(data).build();

        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, () -> codec.encode(event));

        assertThat(e.reason()).isEqualTo(Reason.UNSERIALIZABLE);
        assertThat(e.eventId()).isEqualTo(event.id());
        assertThat(e.getMessage()).contains(event.id()).contains("billing.invoice.issued")
                .contains("data (" + data.getClass().getName() + ")").contains(detail);
        assertThat(e.getMessage().length()).as("message stays readable").isLessThan(1000);
    }

    @Test
    void anUnwritableExtensionFieldIsNamed() {
        Event<Map<String, Object>> event = Event.builder("billing.invoice.issued").data(Map.<String, Object>of())
                .extension("attachment", new Opaque()).build();

        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, () -> codec.encode(event));

        assertThat(e.reason()).isEqualTo(Reason.UNSERIALIZABLE);
        assertThat(e.getMessage()).contains("extension field 'attachment'").contains(event.id());
    }

    @Test
    void anExtensionNamedLikeAnEnvelopeFieldIsRejectedRatherThanWrittenTwice() {
        Event<Map<String, Object>> event = Event.builder("billing.invoice.issued").data(Map.<String, Object>of())
                .extension("id", "evt_other").build();

        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, () -> codec.encode(event));

        assertThat(e.reason()).isEqualTo(Reason.UNSERIALIZABLE);
        assertThat(e.getMessage()).contains("'id'");
    }

    static Stream<Arguments> malformed() {
        byte[] random = new byte[64];
        new Random(42).nextBytes(random);
        String valid = new String(envelope("{\"amount\":5}"), StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("empty", new byte[0], "empty"),
                Arguments.of("null", null, "empty"),
                Arguments.of("an array", bytes("[]"), "not a JSON object"),
                Arguments.of("a string", bytes("\"evt\""), "not a JSON object"),
                Arguments.of("random bytes", random, "Malformed event envelope"),
                Arguments.of("truncated", bytes(valid.substring(0, valid.length() - 5)), "not valid JSON"),
                Arguments.of("trailing content", bytes(valid + "{}"), "after the envelope"),
                Arguments.of("missing id", bytes(valid.replace("\"id\":\"evt_1\",", "")), "'id' is missing"),
                Arguments.of("null id", bytes(valid.replace("\"evt_1\"", "null")), "'id' is null"),
                Arguments.of("missing type", bytes(valid.replace("\"type\":\"billing.invoice.issued\",", "")),
                        "'type' is missing"),
                Arguments.of("missing timestamp", bytes(valid.replace("\"timestamp\":\"2024-01-15T10:30:00Z\",",
                        "")), "'timestamp' is missing"),
                Arguments.of("missing data", bytes(valid.replace(",\"data\":{\"amount\":5}", "")),
                        "'data' is missing"),
                Arguments.of("null data", bytes(valid.replace("{\"amount\":5}", "null")), "'data' must not be null"),
                Arguments.of("uppercase type", bytes(valid.replace("billing.invoice.issued", "Billing.Invoice")),
                        "lowercase"),
                Arguments.of("wildcard type", bytes(valid.replace("billing.invoice.issued", "billing.>")),
                        "wildcards"),
                Arguments.of("numeric id", bytes(valid.replace("\"evt_1\"", "17")), "'id' must be a string"),
                Arguments.of("bad timestamp", bytes(valid.replace("2024-01-15T10:30:00Z", "yesterday")),
                        "ISO-8601"),
                Arguments.of("fractional version", bytes(valid.replace("{\"id\"", "{\"version\":1.5,\"id\"")),
                        "'version' must be a whole number"),
                Arguments.of("negative version", bytes(valid.replace("{\"id\"", "{\"version\":-1,\"id\"")),
                        "version must be >= 0"),
                Arguments.of("schemaVersion beyond int", bytes(valid.replace("{\"id\"",
                        "{\"schemaVersion\":3000000000,\"id\"")), "'schemaVersion' must be a whole number"),
                Arguments.of("header with a number", bytes(valid.replace("{\"id\"", "{\"headers\":{\"retry\":3},\"id\"")),
                        "header 'retry' must be a string"),
                Arguments.of("header with null", bytes(valid.replace("{\"id\"", "{\"headers\":{\"t\":null},\"id\"")),
                        "header 't' must be a string"),
                Arguments.of("header with an object", bytes(valid.replace("{\"id\"",
                        "{\"headers\":{\"t\":{}},\"id\"")), "header 't' must be a string"),
                Arguments.of("headers as a list", bytes(valid.replace("{\"id\"", "{\"headers\":[],\"id\"")),
                        "'headers' must be an object"),
                Arguments.of("duplicate id", bytes(valid.replace("{\"id\"", "{\"id\":\"evt_0\",\"id\"")),
                        "'id' occurs twice"),
                Arguments.of("duplicate data", bytes(valid.replace("{\"id\"", "{\"data\":{},\"id\"")),
                        "'data' occurs twice"),
                Arguments.of("duplicate unknown field", bytes(valid.replace("{\"id\"",
                        "{\"tenant\":\"a\",\"tenant\":\"b\",\"id\"")), "'tenant' occurs twice"),
                Arguments.of("data that does not fit", bytes(valid.replace("{\"amount\":5}",
                        "{\"amount\":\"five\"}")), "'data' does not fit " + Amount.class.getName()),
                Arguments.of("data of the wrong shape", bytes(valid.replace("{\"amount\":5}", "[1,2]")),
                        "'data' does not fit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void bytesThatAreNotAValidEnvelopeAreMalformed(String what, byte[] payload, String detail) {
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class,
                () -> codec.decode(payload, Amount.class));

        assertThat(e).as(what).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.getMessage()).contains(detail);
    }

    @Test
    void theEventIdIsNamedWhenItWasRead() {
        byte[] payload = envelope("{\"amount\":\"five\"}");

        SwitchboardException e = catchThrowableOfType(SwitchboardException.class,
                () -> codec.decode(payload, Amount.class));

        assertThat(e.eventId()).isEqualTo("evt_1");
        assertThat(e.getMessage()).contains("evt_1");
    }

    @Test
    void noPrefixOfAValidEnvelopeDecodes() {
        byte[] valid = envelope("{\"amount\":5}");
        assertThat(codec.decode(valid, Amount.class).data()).isEqualTo(new Amount(5));

        for (int length = 0; length < valid.length; length++) {
            byte[] prefix = Arrays.copyOf(valid, length);
            SwitchboardException e = catchThrowableOfType(SwitchboardException.class,
                    () -> codec.decode(prefix, Amount.class));
            assertThat(e).as("prefix of %d bytes", length).isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
