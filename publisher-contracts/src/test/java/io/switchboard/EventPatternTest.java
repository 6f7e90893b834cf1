package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.SwitchboardException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Patterns: '*' is exactly one segment, a final '>' one or more trailing segments, anything else is literal. */
class EventPatternTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "billing.invoice.paid, billing.invoice.paid,       true",
            "billing.invoice.paid, billing.invoice.issued,     false",
            "billing.invoice.paid, billing.invoice.paid-late,  false",
            "billing.invoice.paid, billing.invoice,            false",
            "billing.invoice,      billing.invoice.paid,       false",
            "billing.*.paid,       billing.invoice.paid,       true",
            "billing.*.paid,       billing.order.paid,         true",
            "billing.*.paid,       billing.paid,               false",
            "billing.*.paid,       billing.invoice.line.paid,  false",
            "billing.*.paid,       billing.invoice.issued,     false",
            "billing.*,            billing.invoice,            true",
            "billing.*,            billing.invoice.paid,       false",
            "*.created,            user.created,               true",
            "*.created,            user.account.created,       false",
            "*.*,                  user.created,               true",
            "billing.>,            billing.invoice.paid,       true",
            "billing.>,            billing.invoice,            true",
            "billing.>,            billing,                    false",
            "billing.>,            shipping.invoice.paid,      false",
            "billing.>,            billing-x.invoice.paid,     false",
            "billing.*.>,          billing.invoice.paid,       true",
            "billing.*.>,          billing.invoice.paid.late,  true",
            "billing.*.>,          billing.invoice,            false",
            "*.>,                  user.created,               true"})
    void matching(String pattern, String type, boolean expected) {
        assertThat(EventPattern.of(pattern).matches(type)).isEqualTo(expected);
    }

    @Test
    void matchesEventTypes() {
        assertThat(EventPattern.of("billing.>").matches(EventType.of("billing.invoice.paid"))).isTrue();
        assertThat(EventPattern.of("billing.>").matches(EventType.of("user.created"))).isFalse();
    }

    @Test
    void wildcardDetection() {
        assertThat(EventPattern.of("billing.invoice.paid").isWildcard()).isFalse();
        assertThat(EventPattern.of("billing.*.paid").isWildcard()).isTrue();
        assertThat(EventPattern.of("billing.>").isWildcard()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "billing.>.paid | may only be the last segment",
            ">.paid         | may only be the last segment",
            "billing.x*     | may only hold",
            "Billing.*      | must be lowercase",
            "billing..>     | segment 2 is empty",
            "billing        | at least two dot-separated segments"})
    void invalidPatternsAreRejected(String pattern, String rule) {
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, () -> EventPattern.of(pattern));

        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.INVALID_EVENT);
        assertThat(e.getMessage()).contains(rule).contains("billing.>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"billing.invoice.paid", "billing.*.paid", "billing.>"})
    void patternsKeepTheirText(String pattern) {
        assertThat(EventPattern.of(pattern)).hasToString(pattern);
        assertThat(EventPattern.of(pattern).value()).isEqualTo(pattern);
    }
}
