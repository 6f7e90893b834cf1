package io.switchboard.inmemory.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.inmemory.InMemoryDriver;
import io.switchboard.inmemory.InMemoryOptions;
import io.switchboard.spi.EventDriver;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class InMemoryAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InMemoryAutoConfiguration.class));

    @Test
    void eventDriverInMemoryGivesOneInMemoryDriver() {
        runner.withPropertyValues("event.driver=in-memory").run(context -> {
            assertThat(context).hasSingleBean(EventDriver.class);
            assertThat(context.getBean(EventDriver.class)).isInstanceOf(InMemoryDriver.class);
        });
    }

    @Test
    void anotherDriverOrNoneSelectedGivesNoDriver() {
        runner.withPropertyValues("event.driver=kafka")
                .run(context -> assertThat(context).doesNotHaveBean(EventDriver.class));
        runner.run(context -> assertThat(context).doesNotHaveBean(EventDriver.class));
    }

    @Test
    void aUserDefinedDriverWins() {
        runner.withPropertyValues("event.driver=in-memory").withUserConfiguration(UserDriver.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(EventDriver.class);
                    assertThat(context.getBean(EventDriver.class)).isSameAs(UserDriver.DRIVER);
                });
    }

    @Test
    void propertiesBindOntoTheDriverOptions() {
        runner.withPropertyValues("event.driver=in-memory", "event.in-memory.buffer-size=64",
                "event.in-memory.block-timeout=250ms", "event.in-memory.max-payload-bytes=2048").run(context -> {
                    InMemoryOptions options = context.getBean(InMemoryDriver.class).options();
                    assertThat(options.bufferSize()).isEqualTo(64);
                    assertThat(options.blockTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(options.maxPayloadBytes()).isEqualTo(2048);
                });
    }

    @Test
    void anInvalidPropertyStopsStartupNamingIt() {
        runner.withPropertyValues("event.driver=in-memory", "event.in-memory.buffer-size=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("event.in-memory.buffer-size must be >= 1");
        });
    }

    @Test
    void thePropertyDefaultsAreTheOptionDefaults() {
        assertThat(new InMemoryProperties().toOptions()).isEqualTo(InMemoryOptions.defaults());
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDriver {
        static final InMemoryDriver DRIVER = new InMemoryDriver();

        @Bean
        EventDriver myDriver() {
            return DRIVER;
        }
    }
}
