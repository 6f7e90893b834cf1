package io.switchboard.hybrid.autoconfigure;

import io.switchboard.DriverSelection;
import io.switchboard.hybrid.HybridDriver;
import io.switchboard.hybrid.HybridDriverOptions;
import io.switchboard.hybrid.HybridDriverProvider;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventDriver;
import java.util.Locale;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * The {@link HybridDriver} as the application's {@link EventDriver} when {@code event.driver} is {@code hybrid} or
 * unset (the default). The queue leg is JetStream for {@code event.hybrid.queue=jetstream}; otherwise the named
 * driver (Redis Streams by default) built from the environment's settings. A user-defined {@code EventDriver} wins.
 */
@AutoConfiguration(beforeName = "io.switchboard.spring.autoconfigure.SwitchboardAutoConfiguration")
@ConditionalOnClass(name = "io.nats.client.Connection")
@ConditionalOnProperty(name = DriverSelection.PROPERTY, havingValue = DriverSelection.HYBRID, matchIfMissing = true)
@EnableConfigurationProperties(HybridProperties.class)
public class HybridAutoConfiguration {

    /** Closed by the container (it is {@link AutoCloseable}), which closes the queue leg too. */
    @Bean
    @ConditionalOnMissingBean(EventDriver.class)
    public HybridDriver hybridEventDriver(HybridProperties properties, Environment environment,
            ResourceLoader resourceLoader) {
        HybridDriverOptions options = properties.toOptions(environment.getProperty("NATS_URL"));
        String queue = properties.getQueue() == null ? HybridDriverOptions.DEFAULT_QUEUE
                : properties.getQueue().trim().toLowerCase(Locale.ROOT);
        if (queue.equals(HybridDriverOptions.JETSTREAM_QUEUE)) {
            return HybridDriver.withJetStream(options, properties.toJetStreamOptions());
        }
        EventDriver leg = HybridDriverProvider.startQueueLeg(options, queue,
                DriverSettings.of(environment::getProperty), resourceLoader.getClassLoader());
        return new HybridDriver(options, leg);
    }
}
