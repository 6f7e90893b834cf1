package io.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.SwitchboardException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Event types follow the naming rule, and a broken rule is explained with a valid example. */
class EventTypeTest {

    @ParameterizedTest
    @ValueSource(strings = {"billing.invoice.issued", "user.created", "a1.b-c.d2", "x.y", "order.line-item.added",
            "v2.api.request-received"})
    void validTypes(String value) {
        assertThat(EventType.isValid(value)).isTrue();
        assertThat(EventType.of(value).value()).isEqualTo(value);
        assertThat(EventType.of(value)).hasToString(value);
    }

    @ParameterizedTest(name = "{0} breaks: {1}")
    @CsvSource(delimiter = '|', value = {
            "Billing.invoice.issued  | must be lowercase",
            "billing.Invoice.Issued  | must be lowercase",
            "billing.invoice_issued  | underscores are not allowed",
            "billing..paid           | segment 2 is empty",
            ".billing.paid           | segment 1 is empty",
            "billing.paid.           | segment 3 is empty",
            "billing                 | at least two dot-separated segments",
            "billing.*.paid          | wildcards",
            "billing.>               | wildcards",
            "billing.invoice issued  | may only hold [a-z0-9] words",
            "billing.-invoice.issued | may only hold [a-z0-9] words",
            "billing.invoice--x.paid | may only hold [a-z0-9] words",
            "'   '                   | must not be empty",
            "''                      | must not be empty"})
    void invalidTypesNameTheRuleAndShowAValidExample(String value, String rule) {
        assertRejected(value, rule);
    }

    @ParameterizedTest
    @NullSource
    void nullIsRejected(String value) {
        assertRejected(value, "must not be null");
    }

    @Test
    void aTypeOfExactlyTheMaximumLengthIsValid() {
        String atLimit = "a." + "b".repeat(EventType.MAX_LENGTH - 2);

        assertThat(atLimit).hasSize(EventType.MAX_LENGTH);
        assertThat(EventType.isValid(atLimit)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100})
    void aTypeOverTheMaximumLengthIsRejected(int over) {
        String value = "a." + "b".repeat(EventType.MAX_LENGTH - 2 + over);

        assertRejected(value, "the limit is " + EventType.MAX_LENGTH);
    }

    private static void assertRejected(String value, String rule) {
        assertThat(EventType.isValid(value)).isFalse();
        SwitchboardException e = catchThrowableOfType(SwitchboardException.class, () -> EventType.of(value));
        assertThat(e).as("EventType.of(%s)", value).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.INVALID_EVENT);
        assertThat(e.getMessage()).contains(rule).contains("billing.invoice.issued");
    }
}
