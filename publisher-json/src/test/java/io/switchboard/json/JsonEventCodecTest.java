package io.switchboard.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Event;
import io.switchboard.spi.EventCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Typed and untyped data, headers, text escaping and how the codec is found. */
class JsonEventCodecTest {

    record InvoiceIssued(String invoiceNumber, long amount, String currency) {
    }

    record Line(String sku, int quantity, BigDecimal unitPrice) {
    }

    record InvoicePaid(String invoiceNumber, BigDecimal amount, Instant paidAt, List<Line> lines, boolean paid) {
    }

    /** A classic bean, to show that POJOs bind as well as records. */
    public static final class Customer {
        private String name;
        private int age;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getAge() {
            return age;
        }

        public void setAge(int age) {
            this.age = age;
        }
    }

    private final JsonEventCodec codec = new JsonEventCodec();

    /**
     * Data whose getter encodes another event with the same codec on the same thread, while it is written, after
     * more than Jackson buffers has been written to the outer event's buffer.
     */
    @JsonPropertyOrder({"blob", "label"})
    public final class Nested {
        private byte[] inner;

        public String getBlob() {
            return "b".repeat(20_000);
        }

        public String getLabel() {
            inner = codec.encode(Event.of("audit.entry.written", Map.of("note", "inner")));
            return "outer";
        }
    }

    @Test
    void anEncodeStartedWhileAnotherRunsOnTheSameThreadKeepsBothIntact() {
        Nested data = new Nested();
        Event<Nested> outer = Event.of("billing.invoice.issued", data);

        byte[] encoded = codec.encode(outer);

        assertThat(codec.decode(encoded, Map.class).data())
                .isEqualTo(Map.of("blob", "b".repeat(20_000), "label", "outer"));
        assertThat(codec.decode(encoded, Map.class).id()).isEqualTo(outer.id());
        assertThat(codec.decode(data.inner, Map.class).data()).isEqualTo(Map.of("note", "inner"));
    }

    @Test
    void eventsOfEverySizeOneAfterTheOtherAreEachEncodedWhole() {
        // The thread's buffer grows for the large one and is not kept; the small ones after it are exact too.
        for (int size : new int[] {10, 200_000, 10, 70_000, 3}) {
            Event<Map<String, String>> event = Event.of("billing.invoice.issued", Map.of("blob", "x".repeat(size)));
            byte[] encoded = codec.encode(event);
            assertThat(codec.decode(encoded, Map.class).data()).as("size %d", size).isEqualTo(event.data());
            assertThat(encoded).as("nothing after the envelope").endsWith((byte) '}');
        }
    }

    @Test
    void dataIsConvertedToTheRequestedRecord() {
        Event<InvoiceIssued> event = codec.decode(JsonEventCodecGoldenTest.golden("design-example.json"),
                InvoiceIssued.class);

        assertThat(event.data()).isEqualTo(new InvoiceIssued("INV-2024-0001", 15000, "EUR"));
        assertThat(event.id()).isEqualTo("evt_01HXYZ123456");
    }

    @Test
    void unknownDataPropertiesAreIgnoredSoNewerProducersDoNotBreakOlderConsumers() {
        byte[] newer = envelope("{\"invoiceNumber\":\"INV-1\",\"amount\":5,\"currency\":\"EUR\","
                + "\"dueDate\":\"2024-02-01\",\"discount\":{\"percent\":10}}");

        assertThat(codec.decode(newer, InvoiceIssued.class).data()).isEqualTo(new InvoiceIssued("INV-1", 5, "EUR"));
    }

    @Test
    void aPropertyMissingFromOlderProducersGetsItsDefault() {
        byte[] older = envelope("{\"invoiceNumber\":\"INV-1\",\"currency\":\"EUR\"}");

        assertThat(codec.decode(older, InvoiceIssued.class).data()).isEqualTo(new InvoiceIssued("INV-1", 0, "EUR"));
    }

    @Test
    void recordsWithNestedValuesTimesAndDecimalsRoundTrip() {
        InvoicePaid paid = new InvoicePaid("INV-7", new BigDecimal("12.50"), Instant.parse("2024-01-15T10:29:59Z"),
                List.of(new Line("A-1", 2, new BigDecimal("6.25"))), true);
        Event<InvoicePaid> sent = Event.builder("billing.invoice.paid").data(paid).build();

        byte[] bytes = codec.encode(sent);
        Event<InvoicePaid> received = codec.decode(bytes, InvoicePaid.class);

        assertThat(received.data()).isEqualTo(paid);
        assertThat(received).isEqualTo(sent);
        // The record's components in declaration order, the instant as ISO-8601 text.
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"data\":{\"invoiceNumber\":\"INV-7\","
                + "\"amount\":12.50,\"paidAt\":\"2024-01-15T10:29:59Z\",\"lines\":[{\"sku\":\"A-1\",\"quantity\":2,"
                + "\"unitPrice\":6.25}],\"paid\":true}");
    }

    @Test
    void beansRoundTrip() {
        Customer customer = new Customer();
        customer.setName("Ada");
        customer.setAge(36);

        Event<Customer> received = codec.decode(codec.encode(Event.of("crm.customer.registered", customer)),
                Customer.class);

        assertThat(received.data().getName()).isEqualTo("Ada");
        assertThat(received.data().getAge()).isEqualTo(36);
    }

    @Test
    void untypedDataGivesMapsListsAndScalars() {
        byte[] bytes = envelope("{\"n\":1,\"d\":2.50,\"s\":\"x\",\"b\":false,\"l\":[1,\"two\",null],\"o\":{}}");

        Event<Object> asObject = codec.decode(bytes, Object.class);
        @SuppressWarnings("rawtypes")
        Event<Map> asMap = codec.decode(bytes, Map.class);

        assertThat(asObject.data()).isInstanceOf(Map.class);
        Map<?, ?> data = (Map<?, ?>) asObject.data();
        assertThat(data.get("n")).isEqualTo(1);
        assertThat(data.get("d")).isEqualTo(new BigDecimal("2.50"));
        assertThat(data.get("s")).isEqualTo("x");
        assertThat(data.get("b")).isEqualTo(false);
        assertThat(data.get("l")).isEqualTo(Arrays.asList(1, "two", null));
        assertThat(data.get("o")).isEqualTo(Map.of());
        assertThat(asMap.data()).isEqualTo(data);
    }

    @Test
    void scalarDataIsAllowed() {
        assertThat(codec.decode(envelope("\"just text\""), Object.class).data()).isEqualTo("just text");
        assertThat(codec.decode(envelope("42"), Integer.class).data()).isEqualTo(42);
        assertThat(codec.decode(envelope("[]"), List.class).data()).isEqualTo(List.of());
    }

    record Nothing() {
    }

    @Test
    void anEmptyRecordIsAnEventWithoutData() {
        Event<Nothing> sent = Event.of("user.logged-out", new Nothing());

        byte[] bytes = codec.encode(sent);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"data\":{}");
        assertThat(codec.decode(bytes, Nothing.class).data()).isEqualTo(new Nothing());
    }

    @Test
    void headersRoundTripInOrder() {
        Event<Map<String, String>> sent = Event.builder("user.created")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .header("tenant", "acme")
                .header("x-empty", "")
                .data(Map.of("userId", "usr_1"))
                .build();

        Event<Object> received = codec.decode(codec.encode(sent), Object.class);

        assertThat(received.headers()).containsExactly(
                Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                Map.entry("tenant", "acme"),
                Map.entry("x-empty", ""));
    }

    @Test
    void absentOptionalFieldsAreNotWrittenAndAbsentCoreFieldsAreWrittenAsNull() {
        Event<Map<String, Object>> sent = Event.builder("user.created").id("evt_1")
                .timestamp(Instant.parse("2024-01-15T10:30:00Z")).data(Map.<String, Object>of()).build();

        assertThat(new String(codec.encode(sent), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"evt_1\","
                + "\"type\":\"user.created\",\"timestamp\":\"2024-01-15T10:30:00Z\",\"correlationId\":null,"
                + "\"causationId\":null,\"aggregateId\":null,\"aggregateType\":null,\"version\":null,\"data\":{}}");
    }

    @Test
    void textIsEscapedByJacksonAndUnicodeSurvivesTheRoundTrip() {
        String tricky = "quote \" backslash \\ slash / newline \n tab \t nul \u0000 bell \u0007 line-sep \u2028 "
                + "umlaut ü cjk 你好 emoji 😀 and a lone } { ] [ , :";
        Event<Map<String, String>> sent = Event.builder("chat.message.posted")
                .header("x-note", tricky)
                .aggregateId("room/ü/" + tricky)
                .extension("ünïcode-" + tricky, tricky)
                .data(Map.of(tricky, tricky))
                .build();

        byte[] bytes = codec.encode(sent);
        Event<Object> received = codec.decode(bytes, Object.class);

        assertThat(received).isEqualTo(sent);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).contains("😀").contains("你好").doesNotContain("\n").doesNotContain("\u0000");
        assertThat(bytes).isEqualTo(codec.encode(received));
    }

    @Test
    void extensionsSetInJavaAreWrittenAfterData() {
        Event<Map<String, Object>> sent = Event.builder("user.created").id("evt_1")
                .timestamp(Instant.parse("2024-01-15T10:30:00Z")).data(Map.<String, Object>of())
                .extension("zeta", 1).extension("alpha", List.of("x")).build();

        assertThat(new String(codec.encode(sent), StandardCharsets.UTF_8)).endsWith(
                "\"data\":{},\"zeta\":1,\"alpha\":[\"x\"]}");
    }

    @Test
    void theCodecIsFoundThroughServiceLoaderAndSaysItsContentType() {
        EventCodec loaded = EventCodec.load();

        assertThat(loaded).isInstanceOf(JsonEventCodec.class);
        assertThat(loaded.contentType()).isEqualTo("application/json");
    }

    @Test
    void aSuppliedMapperKeepsTheEnvelopeCompactAndReadsLeniently() {
        JsonMapper strictAndPretty = JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        JsonEventCodec custom = new JsonEventCodec(strictAndPretty);
        byte[] golden = JsonEventCodecGoldenTest.golden("all-optional-fields.json");

        assertThat(custom.encode(custom.decode(golden, Object.class))).isEqualTo(golden);
        assertThat(custom.decode(envelope("{\"invoiceNumber\":\"INV-1\",\"amount\":5,\"extra\":true}"),
                InvoiceIssued.class).data()).isEqualTo(new InvoiceIssued("INV-1", 5, null));
    }

    /** A valid envelope around {@code data}, given as JSON text. */
    static byte[] envelope(String data) {
        return ("{\"id\":\"evt_1\",\"type\":\"billing.invoice.issued\",\"timestamp\":\"2024-01-15T10:30:00Z\","
                + "\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
    }
}
