package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.DriverSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisDriverOptionsTest {

    @Test
    void defaultsAreStreamsOnLocalhost() {
        RedisDriverOptions o = RedisDriverOptions.defaults();
        assertThat(o.mode()).isEqualTo(RedisDriverOptions.Mode.STREAMS);
        assertThat(o.endpoint()).isEqualTo("redis://localhost:6379");
        assertThat(o.trim()).isEqualTo(RedisDriverOptions.Trim.NONE);
        assertThat(o.prefix()).isEqualTo("events:");
        assertThat(o.claimIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.readAhead()).isNull(); // as many as each consumer's concurrency
        assertThat(RedisDriverOptions.fromSettings(DriverSettings.of(Map.of("event.redis.read-ahead", "96")))
                .readAhead()).isEqualTo(96);
    }

    @Test
    void everyProblemIsReportedAtOnceByPropertyName() {
        assertThatThrownBy(() -> new RedisDriverOptions(null, "http://x", null, 0, "bob", null, false,
                Duration.ZERO, Duration.ofSeconds(-1), "a b", RedisDriverOptions.Trim.MAXLEN, 0, null, 0,
                Duration.ZERO, Duration.ZERO, -1))
                .isInstanceOfSatisfying(SwitchboardException.class,
                        e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.CONFIGURATION))
                .hasMessageContaining("event.redis.url must start with redis:// or rediss://")
                .hasMessageContaining("event.redis.username is set without a password")
                .hasMessageContaining("event.redis.port must be 1-65535, got 0")
                .hasMessageContaining("event.redis.connect-timeout must be a positive duration")
                .hasMessageContaining("event.redis.command-timeout must be a positive duration")
                .hasMessageContaining("event.redis.block-timeout must be a positive duration")
                .hasMessageContaining("event.redis.claim-idle must be a positive duration")
                .hasMessageContaining("event.redis.prefix must not contain spaces")
                .hasMessageContaining("event.redis.trim-max-length must be >= 1 with event.redis.trim=maxlen")
                .hasMessageContaining("event.redis.max-payload-bytes must be >= 1")
                .hasMessageContaining("event.redis.read-ahead must be 0-10000, got -1");
    }

    @Test
    void settingsFallBackToTheRedisVariables() {
        RedisDriverOptions o = RedisDriverOptions.fromSettings(DriverSettings.of(Map.of(
                "REDIS_HOST", "cache.internal", "REDIS_PORT", "6380", "REDIS_PASSWORD", "pw")));
        assertThat(o.endpoint()).isEqualTo("redis://cache.internal:6380");
        assertThat(o.password()).isEqualTo("pw");
        RedisDriverOptions url = RedisDriverOptions.fromSettings(DriverSettings.of(Map.of(
                "REDIS_URL", "redis://other:7000", "REDIS_HOST", "ignored")));
        assertThat(url.endpoint()).isEqualTo("redis://other:7000");
        RedisDriverOptions explicit = RedisDriverOptions.fromSettings(DriverSettings.of(Map.of(
                "REDIS_URL", "redis://other:7000", "event.redis.url", "rediss://mine:7001",
                "event.redis.mode", "pubsub", "event.redis.trim", "minid", "event.redis.trim-max-age", "60m")));
        assertThat(explicit.endpoint()).isEqualTo("rediss://mine:7001");
        assertThat(explicit.mode()).isEqualTo(RedisDriverOptions.Mode.PUBSUB);
        assertThat(explicit.trimMaxAge()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badSettingsAreNamedWithTheValidValues() {
        assertThatThrownBy(() -> RedisDriverOptions.fromSettings(DriverSettings.of(Map.of(
                "event.redis.mode", "fanout", "event.redis.port", "six", "event.redis.tls", "yes",
                "event.redis.claim-idle", "soon", "event.redis.read-ahead", "lots"))))
                .hasMessageContaining("event.redis.mode must be one of [streams, pubsub], got 'fanout'")
                .hasMessageContaining("event.redis.port (or REDIS_PORT) must be a whole number, got 'six'")
                .hasMessageContaining("event.redis.tls must be true or false")
                .hasMessageContaining("event.redis.claim-idle must be a duration")
                .hasMessageContaining("event.redis.read-ahead must be a whole number, got 'lots'");
    }

    @Test
    void thePasswordNeverShowsInToStringOrMessages() {
        RedisDriverOptions o = RedisDriverOptions.forUrl("redis://user:hunter2@host:6379")
                .withCredentials("app", "s3cret");
        assertThat(o.toString()).doesNotContain("hunter2").doesNotContain("s3cret").contains("****");
        assertThat(o.endpoint()).isEqualTo("redis://host:6379");
        assertThatThrownBy(() -> RedisDriverOptions.forUrl("http://u:hunter2@host:6379"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void credentialsAndTlsReachTheLettuceUri() {
        RedisURI uri = RedisDriverOptions.defaults().withHost("h", 7000).withCredentials("app", "pw").withTls(true)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(1500)).toRedisUri();
        assertThat(uri.getHost()).isEqualTo("h");
        assertThat(uri.getPort()).isEqualTo(7000);
        assertThat(uri.isSsl()).isTrue();
        assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(uri.getCredentialsProvider().resolveCredentials().block().getUsername()).isEqualTo("app");
    }
}
