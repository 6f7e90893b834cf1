package io.switchboard.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.switchboard.Capabilities;
import io.switchboard.EventPublisher;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import io.switchboard.redis.RedisDriver;
import io.switchboard.redis.RedisDriverOptions;
import io.switchboard.spi.EventDriver;
import io.switchboard.spring.autoconfigure.SwitchboardAutoConfiguration;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class RedisAutoConfigurationTest {

    private static RedisServer redis;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RedisAutoConfiguration.class));

    @BeforeAll
    static void startRedis() {
        redis = new RedisServer(RedisOptions.defaults()).start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void eventDriverRedisGivesOneRedisDriverBehindThePublisher() {
        runner.withConfiguration(AutoConfigurations.of(SwitchboardAutoConfiguration.class))
                .withPropertyValues("event.driver=redis", "event.redis.url=" + redis.endpoint()).run(context -> {
                    assertThat(context).hasSingleBean(EventDriver.class);
                    assertThat(context.getBean(EventDriver.class)).isInstanceOf(RedisDriver.class);
                    assertThat(context).hasSingleBean(EventPublisher.class);
                    assertThat(context.getBean(RedisDriver.class).capabilities().delivery())
                            .isEqualTo(Capabilities.Delivery.AT_LEAST_ONCE);
                });
    }

    @Test
    void anotherDriverOrNoneSelectedGivesNoRedisDriver() {
        runner.withPropertyValues("event.driver=kafka", "event.redis.url=" + redis.endpoint())
                .run(context -> assertThat(context).doesNotHaveBean(EventDriver.class));
        runner.run(context -> assertThat(context).doesNotHaveBean(EventDriver.class));
    }

    @Test
    void withoutLettuceOnTheClasspathItBacksOff() {
        runner.withClassLoader(new FilteredClassLoader(RedisClient.class))
                .withPropertyValues("event.driver=redis", "event.redis.url=" + redis.endpoint())
                .run(context -> assertThat(context).doesNotHaveBean(EventDriver.class));
    }

    @Test
    void aUserDefinedDriverWins() {
        runner.withPropertyValues("event.driver=redis").withUserConfiguration(UserDriver.class).run(context -> {
            assertThat(context).hasSingleBean(EventDriver.class);
            assertThat(context.getBean(EventDriver.class)).isSameAs(context.getBean("myDriver"));
        });
    }

    @Test
    void aUserRedisClientIsUsedAndLeftRunning() {
        runner.withPropertyValues("event.driver=redis", "event.redis.url=" + redis.endpoint())
                .withUserConfiguration(UserClient.class).run(context -> {
                    RedisClient client = context.getBean(RedisClient.class);
                    assertThat(context.getBean(RedisDriver.class).unwrap(RedisClient.class)).containsSame(client);
                    context.getBean(RedisDriver.class).close();
                    client.connect().close(); // still usable: the driver did not shut it down
                });
    }

    @Test
    void propertiesBindOntoTheDriverOptions() {
        runner.withPropertyValues("event.driver=redis", "event.redis.host=127.0.0.1",
                "event.redis.port=" + redis.port(), "event.redis.mode=pubsub", "event.redis.prefix=app:",
                "event.redis.command-timeout=750ms", "event.redis.trim=maxlen", "event.redis.trim-max-length=5000",
                "event.redis.max-payload-bytes=4096", "event.redis.block-timeout=250ms",
                "event.redis.claim-idle=10s").run(context -> {
                    RedisDriverOptions options = context.getBean(RedisDriver.class).options();
                    assertThat(options.mode()).isEqualTo(RedisDriverOptions.Mode.PUBSUB);
                    assertThat(options.endpoint()).isEqualTo("redis://127.0.0.1:" + redis.port());
                    assertThat(options.prefix()).isEqualTo("app:");
                    assertThat(options.commandTimeout()).isEqualTo(Duration.ofMillis(750));
                    assertThat(options.trim()).isEqualTo(RedisDriverOptions.Trim.MAXLEN);
                    assertThat(options.trimMaxLength()).isEqualTo(5000);
                    assertThat(options.maxPayloadBytes()).isEqualTo(4096);
                    assertThat(options.blockTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(options.claimIdle()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(context.getBean(RedisDriver.class).capabilities().delivery())
                            .isEqualTo(Capabilities.Delivery.AT_MOST_ONCE);
                });
    }

    @Test
    void theRedisVariablesAreTheDefaults() {
        runner.withPropertyValues("event.driver=redis", "REDIS_HOST=127.0.0.1", "REDIS_PORT=" + redis.port())
                .run(context -> assertThat(context.getBean(RedisDriver.class).options().endpoint())
                        .isEqualTo("redis://127.0.0.1:" + redis.port()));
        runner.withPropertyValues("event.driver=redis", "REDIS_URL=" + redis.endpoint())
                .run(context -> assertThat(context.getBean(RedisDriver.class).options().endpoint())
                        .isEqualTo(redis.endpoint()));
    }

    @Test
    void anInvalidPropertyStopsStartupNamingIt() {
        runner.withPropertyValues("event.driver=redis", "event.redis.url=" + redis.endpoint(),
                "event.redis.claim-idle=0s", "event.redis.trim=minid").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("event.redis.claim-idle must be a positive duration")
                            .hasMessageContaining("event.redis.trim-max-age must be a positive duration");
                });
    }

    @Test
    void anUnreachableRedisStopsStartupNamingTheEndpointButNotThePassword() {
        runner.withPropertyValues("event.driver=redis", "event.redis.url=redis://127.0.0.1:1",
                "event.redis.password=s3cret-pw", "event.redis.connect-timeout=500ms").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(Exception.class);
                    assertThat(stackOf(context.getStartupFailure())).contains("redis://127.0.0.1:1")
                            .doesNotContain("s3cret-pw");
                });
    }

    @Test
    void thePropertyDefaultsAreTheOptionDefaults() {
        assertThat(new RedisDriverProperties().toOptions(Map.<String, String>of()::get))
                .isEqualTo(RedisDriverOptions.defaults());
    }

    private static String stackOf(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDriver {
        @Bean
        EventDriver myDriver() {
            return new RedisDriver(RedisDriverOptions.forUrl(redis.endpoint()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserClient {
        @Bean(destroyMethod = "shutdown")
        RedisClient redisClient() {
            return RedisClient.create(redis.endpoint());
        }
    }
}
