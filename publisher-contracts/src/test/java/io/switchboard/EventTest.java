package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.SwitchboardException.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The envelope: builder defaults, time-ordered ids, validation and immutability. */
class EventTest {

    @Test
    void theBuilderGeneratesAnIdAndTheTimestamp() {
        Instant before = Instant.now();

        Event<String> event = Event.of("user.created", "usr_1");

        assertThat(event.id()).startsWith("evt_").hasSize("evt_".length() + 26);
        assertThat(event.timestamp()).isBetween(before, Instant.now());
        assertThat(event.type()).isEqualTo(EventType.of("user.created"));
        assertThat(event.data()).isEqualTo("usr_1");
        assertThat(event.correlationId()).isNull();
        assertThat(event.causationId()).isNull();
        assertThat(event.headers()).isEmpty();
        assertThat(event.extensions()).isEmpty();
    }

    @Test
    void generatedIdsAreUniqueAndStrictlyIncreasing() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Event.of("user.created", i).id());
        }

        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("id %d after %s", i, ids.get(i - 1)).isGreaterThan(ids.get(i - 1));
        }
    }

    @Test
    void correlationIdsAreTimeOrderedToo() {
        String first = EventIds.newCorrelationId();
        String second = EventIds.newCorrelationId();

        assertThat(first).startsWith("corr_");
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void nullDataIsRejected() {
        assertInvalid(() -> Event.of("user.created", null), "data must not be null");
    }

    @Test
    void aNullTypeIsRejected() {
        assertInvalid(() -> Event.of(null, "x"), "must not be null");
        assertInvalid(() -> Event.builder("user.created").type((EventType) null).data("x").build(),
                "must not be null");
    }

    @Test
    void anInvalidTypeIsRejectedWhenTheBuilderIsCreated() {
        assertInvalid(() -> Event.builder("User.Created"), "lowercase");
    }

    @Test
    void aNullHeaderValueOrKeyIsRejected() {
        assertInvalid(() -> Event.builder("user.created").header("tenant", null).data("x").build(),
                "Header 'tenant' has a null value");
        assertInvalid(() -> Event.builder("user.created").header(null, "acme").data("x").build(),
                "Header keys");
    }

    @Test
    void blankOrOverlongIdsAndNegativeVersionsAreRejected() {
        assertInvalid(() -> Event.builder("user.created").id(" ").data("x").build(), "Event id");
        assertInvalid(() -> Event.builder("user.created").id("e".repeat(Event.MAX_ID_LENGTH + 1)).data("x").build(),
                "Event id");
        assertInvalid(() -> Event.builder("user.created").version(-1L).data("x").build(), "version must be >= 0");
    }

    @Test
    void theNaturalKeyIsAggregateIdTypeAndVersion() {
        Event<String> event = Event.builder("billing.invoice.issued").aggregate("Invoice", "inv_1", 3).data("x")
                .build();

        assertThat(event.naturalKey()).isEqualTo("inv_1:billing.invoice.issued:3");
        assertThat(event.orderingKey()).isEqualTo("inv_1");
        assertThat(Event.builder("user.created").aggregateId("usr_1").data("x").build().naturalKey()).isNull();
        assertThat(Event.builder("user.created").version(1L).data("x").build().naturalKey()).isNull();
    }

    @Test
    void headersAndExtensionsCannotBeChangedAfterBuilding() {
        Map<String, String> headers = new HashMap<>(Map.of("tenant", "acme"));
        Event.Builder<String> builder = Event.<String>builder("user.created").headers(headers)
                .extension("specversion", "1.0").data("x");
        Event<String> event = builder.build();

        headers.put("tenant", "other");
        builder.header("late", "1").extension("late", 1);

        assertThat(event.headers()).containsExactly(Map.entry("tenant", "acme"));
        assertThat(event.extensions()).containsOnlyKeys("specversion");
        assertThatThrownBy(() -> event.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> event.extensions().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theCanonicalConstructorCopiesHeaders() {
        Map<String, String> headers = new HashMap<>(Map.of("tenant", "acme"));
        Event<String> event = new Event<>("evt_1", EventType.of("user.created"), Instant.EPOCH, null, null, null,
                null, null, null, null, headers, "x", null);

        headers.clear();

        assertThat(event.headers()).containsEntry("tenant", "acme");
        assertThat(event.extensions()).isEmpty();
    }

    @Test
    void toBuilderCopiesEveryField() {
        Event<String> original = Event.builder("billing.invoice.paid").id("evt_1").timestamp(Instant.EPOCH)
                .correlationId("corr_1").causationId("evt_0").aggregate("Invoice", "inv_1", 2).source("billing")
                .schemaVersion(3).header("tenant", "acme").extension("specversion", "1.0").data("x").build();

        assertThat(original.toBuilder().build()).isEqualTo(original);
        assertThat(original.toBuilder().causationId("evt_9").build().causationId()).isEqualTo("evt_9");
    }

    private static void assertInvalid(Executable creation, String message) {
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, creation::execute);
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.INVALID_EVENT);
        assertThat(e.getMessage()).contains(message);
    }
}
