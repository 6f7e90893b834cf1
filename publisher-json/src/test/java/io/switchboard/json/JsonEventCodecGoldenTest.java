package io.switchboard.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire format is pinned by golden files: reading one and writing it back must give the same bytes. */
class JsonEventCodecGoldenTest {

    private final JsonEventCodec codec = new JsonEventCodec();

    @ParameterizedTest
    @ValueSource(strings = {"design-example.json", "all-optional-fields.json", "unknown-fields.json",
            "unicode-escaping.json"})
    void readingAndWritingBackGivesTheSameBytes(String file) {
        byte[] golden = golden(file);

        byte[] rewritten = codec.encode(codec.decode(golden, Object.class));

        // Compared as text first for a readable diff, then byte for byte.
        assertThat(new String(rewritten, StandardCharsets.UTF_8)).isEqualTo(new String(golden, StandardCharsets.UTF_8));
        assertThat(rewritten).isEqualTo(golden);
    }

    @Test
    void anEventBuiltInJavaIsWrittenExactlyAsTheDesignExample() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("invoiceNumber", "INV-2024-0001");
        data.put("amount", 15000);
        data.put("currency", "EUR");
        Event<Map<String, Object>> event = Event.builder("billing.invoice.issued")
                .id("evt_01HXYZ123456")
                .timestamp(Instant.parse("2024-01-15T10:30:00Z"))
                .correlationId("corr_01HXYZ789")
                .aggregate("Invoice", "inv_01HXYZ456", 1)
                .data(data)
                .build();

        assertThat(codec.encode(event)).isEqualTo(golden("design-example.json"));
    }

    @Test
    void theDesignExampleIsReadIntoTheEnvelopeFields() {
        Event<Object> event = codec.decode(golden("design-example.json"), Object.class);

        assertThat(event.id()).isEqualTo("evt_01HXYZ123456");
        assertThat(event.type().value()).isEqualTo("billing.invoice.issued");
        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
        assertThat(event.correlationId()).isEqualTo("corr_01HXYZ789");
        assertThat(event.causationId()).isNull();
        assertThat(event.aggregateId()).isEqualTo("inv_01HXYZ456");
        assertThat(event.aggregateType()).isEqualTo("Invoice");
        assertThat(event.version()).isEqualTo(1L);
        assertThat(event.source()).isNull();
        assertThat(event.schemaVersion()).isNull();
        assertThat(event.headers()).isEmpty();
        assertThat(event.extensions()).isEmpty();
        assertThat(event.data()).isEqualTo(Map.of("invoiceNumber", "INV-2024-0001", "amount", 15000,
                "currency", "EUR"));
    }

    @Test
    void optionalFieldsHeadersAndFractionalSecondsAreRead() {
        Event<Object> event = codec.decode(golden("all-optional-fields.json"), Object.class);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z").plusNanos(123_456_000));
        assertThat(event.causationId()).isEqualTo("evt_01HXYZ123456");
        assertThat(event.source()).isEqualTo("billing-service");
        assertThat(event.schemaVersion()).isEqualTo(3);
        assertThat(event.headers()).containsExactly(
                Map.entry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                Map.entry("tenant", "acme"));
    }

    @Test
    void unknownFieldsAreKeptInOrderAndNumbersAreExact() {
        Event<Object> event = codec.decode(golden("unknown-fields.json"), Object.class);

        assertThat(event.extensions()).containsOnlyKeys("specversion", "trace", "priority", "weight", "legacy",
                "tags");
        assertThat(List.copyOf(event.extensions().keySet()))
                .containsExactly("specversion", "trace", "priority", "weight", "legacy", "tags");
        assertThat(event.extensions().get("priority")).isEqualTo(5);
        assertThat(event.extensions().get("weight")).isEqualTo(new BigDecimal("3.140"));
        assertThat(event.extensions().get("legacy")).isNull();
        assertThat(event.extensions().get("trace")).isInstanceOf(Map.class);
        assertThat(event.extensions().get("tags")).isInstanceOf(List.class);

        Map<?, ?> data = (Map<?, ?>) event.data();
        // BigDecimal.equals compares the scale too, so this fails if 12.50 became 12.5.
        assertThat(data.get("balance")).isEqualTo(new BigDecimal("12.50"));
        assertThat(data.get("delta")).isEqualTo(-7);
        assertThat(data.get("total")).isEqualTo(9007199254740993L);
        assertThat(data.get("credits")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    }

    static byte[] golden(String file) {
        try (InputStream in = JsonEventCodecGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("golden file " + file).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
