package io.switchboard.inmemory.autoconfigure;

import io.switchboard.DriverSelection;
import io.switchboard.inmemory.FaultHook;
import io.switchboard.inmemory.InMemoryDriver;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import io.switchboard.spi.EventDriver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link InMemoryDriver} as the application's {@link EventDriver} when {@code event.driver=in-memory}
 * ({@code EVENT_DRIVER=in-memory}). Runs before the Switchboard auto-configuration, which puts the
 * {@code EventPublisher} in front of whichever driver is present. A user-defined {@code EventDriver} bean wins.
 */
@AutoConfiguration(beforeName = "io.switchboard.spring.autoconfigure.SwitchboardAutoConfiguration")
@ConditionalOnProperty(name = DriverSelection.PROPERTY, havingValue = DriverSelection.IN_MEMORY)
@EnableConfigurationProperties(InMemoryProperties.class)
public class InMemoryAutoConfiguration {

    /**
     * Closed by the container (it is {@link AutoCloseable}); closing twice is harmless. An application {@link Clock}
     * bean (a {@link io.switchboard.inmemory.ManualClock} in tests) drives its retries, as it drives the publisher's
     * dead-letter times and deduplication windows; a {@link FaultHook} bean injects faults.
     */
    @Bean
    @ConditionalOnMissingBean(EventDriver.class)
    public InMemoryDriver inMemoryEventDriver(InMemoryProperties properties, ObjectProvider<Clock> clock,
            ObjectProvider<FaultHook> faultHook) {
        return new InMemoryDriver(properties.toOptions().withClock(clock.getIfAvailable(Clock::systemUTC))
                .withFaultHook(faultHook.getIfAvailable(() -> FaultHook.NONE)));
    }
}
