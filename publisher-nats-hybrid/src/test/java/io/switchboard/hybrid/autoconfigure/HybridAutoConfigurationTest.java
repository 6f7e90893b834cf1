package io.switchboard.hybrid.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Capabilities;
import io.switchboard.EventPublisher;
import io.switchboard.EventPattern;
import io.switchboard.Switchboard;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import io.switchboard.redis.RedisDriver;
import io.switchboard.hybrid.HybridDriver;
import io.switchboard.hybrid.HybridDriverOptions;
import io.switchboard.inmemory.InMemoryDriver;
import io.switchboard.inmemory.InMemoryOptions;
import io.switchboard.spi.EventDriver;
import io.switchboard.spring.autoconfigure.SwitchboardAutoConfiguration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the hybrid driver: one scenario per test, against a real local nats-server (JetStream queue leg). */
class HybridAutoConfigurationTest {

    private static NatsServer nats;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HybridAutoConfiguration.class,
                    SwitchboardAutoConfiguration.class));

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
    }

    @AfterAll
    static void stopBroker() {
        nats.close();
    }

    private ApplicationContextRunner jetStream() {
        return runner.withPropertyValues("event.hybrid.queue=jetstream", "event.hybrid.nats.url=" + nats.endpoint());
    }

    @Test
    void unsetEventDriverGivesTheHybridDriverAsTheOnePublisher() {
        jetStream().run(context -> {
            assertThat(context).hasSingleBean(EventDriver.class);
            assertThat(context.getBean(EventDriver.class)).isInstanceOf(HybridDriver.class);
            assertThat(context.getBean(EventPublisher.class)).isInstanceOf(Switchboard.class);
            assertThat(((Switchboard) context.getBean(EventPublisher.class)).driverName()).isEqualTo("hybrid");
        });
    }

    @Test
    void redisDownAtStartFollowsTheStartupProperty() {
        RedisServer redis = new RedisServer(RedisOptions.defaults()); // its port is reserved; not running
        try {
            ApplicationContextRunner redisLeg = runner.withPropertyValues("event.hybrid.nats.url=" + nats.endpoint(),
                    "event.redis.url=redis://127.0.0.1:" + redis.port());
            redisLeg.withPropertyValues("event.hybrid.startup=degraded").run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(HybridDriver.class).health()).anySatisfy(h -> {
                    assertThat(h.component()).startsWith("queue-leg (redis)");
                    assertThat(h.isUp()).isFalse();
                });
            });
            redisLeg.run(context -> {
                assertThat(context).hasFailed();
                assertThat(rootCause(context.getStartupFailure()).getMessage())
                        .contains("redis://127.0.0.1:" + redis.port()).contains("event.hybrid.startup=degraded");
            });
        } finally {
            redis.close();
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && !(cause instanceof io.switchboard.SwitchboardException)) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void eventDriverHybridSelectsIt() {
        jetStream().withPropertyValues("event.driver=hybrid")
                .run(context -> assertThat(context).hasSingleBean(HybridDriver.class));
    }

    @Test
    void anotherDriverSelectedGivesNoHybridDriver() {
        runner.withPropertyValues("event.driver=in-memory")
                .run(context -> assertThat(context).doesNotHaveBean(HybridDriver.class));
    }

    @Test
    void aUserDefinedDriverWins() {
        jetStream().withUserConfiguration(UserDriver.class).run(context -> {
            assertThat(context).hasSingleBean(EventDriver.class);
            assertThat(context.getBean(EventDriver.class)).isSameAs(UserDriver.DRIVER);
        });
    }

    @Test
    void propertiesBindOntoTheDriverOptions() {
        jetStream().withPropertyValues("event.hybrid.realtime=security.>,alerts.*.triggered",
                "event.hybrid.startup=degraded", "event.hybrid.nats.subject-prefix=live",
                "event.hybrid.live-groups=dashboards", "event.hybrid.nats.reconnect-wait=100ms").run(context -> {
                    HybridDriverOptions options = context.getBean(HybridDriver.class).options();
                    assertThat(options.realTime()).containsExactly(EventPattern.of("security.>"),
                            EventPattern.of("alerts.*.triggered"));
                    assertThat(options.startup()).isEqualTo(HybridDriverOptions.Startup.DEGRADED);
                    assertThat(options.subjectPrefix()).isEqualTo("live");
                    assertThat(options.liveGroups()).containsExactly("dashboards");
                    assertThat(options.reconnectWait().toMillis()).isEqualTo(100);
                });
    }

    @Test
    void anInvalidPropertyStopsStartupNamingIt() {
        jetStream().withPropertyValues("event.hybrid.realtime=Security.>").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("event.hybrid.realtime");
        });
        jetStream().withPropertyValues("event.hybrid.startup=sometimes").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("event.hybrid.startup must be fail-fast or degraded");
        });
    }

    @Test
    void theDefaultQueueLegIsRedisStreamsFromTheRedisSettings() {
        try (RedisServer redis = new RedisServer(RedisOptions.defaults()).start()) {
            runner.withPropertyValues("event.hybrid.nats.url=" + nats.endpoint(), "event.redis.url=" + redis.endpoint())
                    .run(context -> {
                        HybridDriver driver = context.getBean(HybridDriver.class);
                        assertThat(driver.queueLeg()).isInstanceOf(RedisDriver.class);
                        assertThat(driver.capabilities().delivery()).isEqualTo(Capabilities.Delivery.AT_LEAST_ONCE);
                    });
        }
    }

    @Test
    void anAtMostOnceRedisModeIsRefusedAsQueueLeg() {
        runner.withPropertyValues("event.hybrid.nats.url=" + nats.endpoint(), "event.redis.mode=pubsub").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("needs streams");
        });
    }

    @Test
    void withoutTheNatsClientTheHybridBacksOff() {
        runner.withClassLoader(new FilteredClassLoader("io.nats.client"))
                .withPropertyValues("event.driver=hybrid")
                .withUserConfiguration(UserDriver.class)
                .run(context -> assertThat(context).doesNotHaveBean(HybridDriver.class));
    }

    @Test
    void secretsNeverAppearInTheOptionsText() {
        jetStream().withPropertyValues("event.hybrid.nats.token=s3cr3t-token").run(context -> {
            HybridDriverOptions options = context.getBean(HybridDriver.class).options();
            assertThat(options.toString()).doesNotContain("s3cr3t-token").contains("auth=token");
            assertThat(List.of(context.getBean(HybridDriver.class).toString())).noneMatch(s -> s.contains("s3cr3t"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDriver {
        static final EventDriver DRIVER = new InMemoryDriver(InMemoryOptions.defaults());

        @Bean
        EventDriver userDriver() {
            return DRIVER;
        }
    }
}
