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

    /**
     * The allocation-free check run on every event must agree with the full rules: every string of up to six
     * characters over an alphabet that exercises each rule (and one character the rules never allow), as a type and
     * as a pattern.
     */
    @Test
    void fastCheckAgreesWithTheRulesOnEveryShortString() {
        char[] alphabet = {'a', '1', '-', '.', '*', '>', '_', 'A'};
        int checked = 0;
        int valid = 0;
        StringBuilder b = new StringBuilder();
        for (int length = 0; length <= 6; length++) {
            int[] digits = new int[length];
            for (long n = 0; n < Math.pow(alphabet.length, length); n++) {
                b.setLength(0);
                for (int d : digits) {
                    b.append(alphabet[d]);
                }
                String value = b.toString();
                for (boolean wildcards : new boolean[] {false, true}) {
                    boolean rules = EventType.problem(value, wildcards) == null;
                    assertThat(EventType.wellFormed(value, wildcards)).as("'%s' (wildcards %s)", value, wildcards)
                            .isEqualTo(rules);
                    valid += rules ? 1 : 0;
                    checked++;
                }
                for (int i = length - 1; i >= 0 && ++digits[i] == alphabet.length; i--) {
                    digits[i] = 0;
                }
            }
        }
        assertThat(checked).isGreaterThan(500_000);
        assertThat(valid).isGreaterThan(900);
        String longest = "a." + "b".repeat(EventType.MAX_LENGTH - 2);
        assertThat(EventType.wellFormed(longest, false)).isTrue();
        assertThat(EventType.wellFormed(longest + "c", false)).isFalse();
        assertThat(EventType.wellFormed(null, false)).isFalse();
    }
}
