package io.switchboard.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.EventPattern;
import org.junit.jupiter.api.Test;

class RedisKeysTest {

    private final RedisKeys keys = new RedisKeys("events:");

    @Test
    void aStreamAndAChannelPerTypeUnderThePrefix() {
        assertThat(keys.stream("billing.invoice.issued")).isEqualTo("events:billing.invoice.issued");
        assertThat(keys.channel("billing.invoice.issued")).isEqualTo("events:billing.invoice.issued");
        assertThat(keys.typeOf("events:billing.invoice.issued")).isEqualTo("billing.invoice.issued");
    }

    @Test
    void bookkeepingNamesAreNeverTypes() {
        assertThat(keys.typeOf(keys.registry())).isNull();
        assertThat(keys.typeOf(keys.deadLetters())).isNull();
        assertThat(keys.typeOf("other:billing.invoice.issued")).isNull();
    }

    @Test
    void wildcardsBecomeGlobStarsAndExactPatternsStayLiteral() {
        assertThat(keys.glob(EventPattern.of("billing.*.paid"))).isEqualTo("events:billing.*.paid");
        assertThat(keys.glob(EventPattern.of("billing.>"))).isEqualTo("events:billing.*");
        assertThat(keys.glob(EventPattern.of(">"))).isEqualTo("events:*");
        assertThat(keys.glob(EventPattern.of("a-1.b-2"))).isEqualTo("events:a-1.b-2");
    }

    @Test
    void globCharactersInThePrefixAreEscaped() {
        RedisKeys odd = new RedisKeys("app[1]*?\\:");
        assertThat(odd.glob(EventPattern.of("billing.>"))).isEqualTo("app\\[1\\]\\*\\?\\\\:billing.*");
    }
}
