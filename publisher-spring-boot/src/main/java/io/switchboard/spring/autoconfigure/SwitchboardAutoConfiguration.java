package io.switchboard.spring.autoconfigure;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.switchboard.DriverSelection;
import io.switchboard.EventPublisher;
import io.switchboard.EventSubscriber;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardMetrics;
import io.switchboard.idempotency.IdempotencyStore;
import io.switchboard.idempotency.InMemoryIdempotencyStore;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventCodec;
import io.switchboard.spi.EventDriver;
import java.time.Clock;
import java.util.List;
import java.util.function.ToLongFunction;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * The one {@link EventPublisher} bean: a {@link Switchboard} in front of the driver selected by {@code event.driver}
 * ({@code EVENT_DRIVER}; default {@code hybrid}). Each driver module contributes its {@link EventDriver} bean through
 * its own auto-configuration, which runs before this one. A driver registered only through
 * {@link java.util.ServiceLoader} is created from the environment's {@code event.*} properties.
 */
@AutoConfiguration
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardAutoConfiguration {

    private static final System.Logger LOG = System.getLogger(SwitchboardAutoConfiguration.class.getName());

    @Bean
    @ConditionalOnMissingBean
    IdempotencyStore switchboardIdempotencyStore(SwitchboardProperties properties, ObjectProvider<Clock> clock) {
        return new InMemoryIdempotencyStore(clock.getIfAvailable(Clock::systemUTC),
                properties.getIdempotency().getWindow(), properties.getIdempotency().getMaxEntries());
    }

    @Bean
    @ConditionalOnMissingBean(EventPublisher.class)
    Switchboard switchboard(SwitchboardProperties properties, ObjectProvider<EventDriver> drivers,
            IdempotencyStore idempotencyStore, ObjectProvider<EventCodec> codec, ObjectProvider<Clock> clock,
            Environment environment, ResourceLoader resourceLoader) {
        EventDriver driver = selectDriver(properties, drivers, environment, resourceLoader.getClassLoader());
        Switchboard.Builder builder = Switchboard.builder(driver)
                .clock(clock.getIfAvailable(Clock::systemUTC))
                .idempotencyStore(idempotencyStore)
                .idempotencyKey(properties.getIdempotency().getKey())
                .retryPolicy(properties.getRetry().toPolicy())
                .publishTimeout(properties.getPublishTimeout())
                .drainTimeout(properties.getDrainTimeout())
                .concurrency(properties.getConcurrency())
                .source(properties.getSource() != null ? properties.getSource()
                        : environment.getProperty("spring.application.name"));
        codec.ifAvailable(builder::codec);
        if (properties.getMaxPayloadBytes() != null) {
            builder.maxPayloadBytes(properties.getMaxPayloadBytes());
        }
        return builder.build();
    }

    /** Subscribes {@code @OnEvent} methods once the context has started; static, as bean post-processors must be. */
    @Bean
    static OnEventMethodRegistrar switchboardOnEventMethodRegistrar(ObjectProvider<EventSubscriber> subscriber) {
        return new OnEventMethodRegistrar(subscriber);
    }

    static EventDriver selectDriver(SwitchboardProperties properties, ObjectProvider<EventDriver> drivers,
            Environment environment, ClassLoader classLoader) {
        String selected = DriverSelection.normalize(properties.getDriver());
        List<EventDriver> beans = drivers.orderedStream().toList();
        if (beans.size() > 1) {
            throw SwitchboardException.configuration("Found " + beans.size() + " EventDriver beans ("
                    + beans.stream().map(EventDriver::name).toList() + "); define at most one, or define your own "
                    + "EventPublisher bean");
        }
        if (beans.size() == 1) {
            EventDriver driver = beans.get(0);
            if (!driver.name().equals(selected)) {
                LOG.log(System.Logger.Level.INFO, "Using the application''s EventDriver bean ''{0}'' although "
                        + "{1} is ''{2}''", driver.name(), DriverSelection.PROPERTY, selected);
            }
            return driver;
        }
        DriverSettings settings = DriverSettings.of(name -> name.equals(DriverSelection.PROPERTY) ? selected
                : environment.getProperty(name));
        return DriverSelection.createDriver(settings, classLoader);
    }

    /** Publishes the Switchboard counters to Micrometer when it is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class SwitchboardMetricsConfiguration {

        /** Binds nothing when the application replaced the publisher with its own {@code EventPublisher}. */
        @Bean
        @ConditionalOnMissingBean(name = "switchboardMeterBinder")
        MeterBinder switchboardMeterBinder(ObjectProvider<Switchboard> switchboards) {
            return registry -> switchboards.ifAvailable(switchboard -> {
                counter(registry, switchboard, "switchboard.events.published", "Publishes acknowledged by the broker",
                        SwitchboardMetrics::published);
                counter(registry, switchboard, "switchboard.events.publish.failures", "Publishes that failed",
                        SwitchboardMetrics::publishFailures);
                counter(registry, switchboard, "switchboard.events.handled", "Deliveries handled successfully",
                        SwitchboardMetrics::handled);
                counter(registry, switchboard, "switchboard.events.handler.failures", "Handler attempts that threw",
                        SwitchboardMetrics::handlerFailures);
                counter(registry, switchboard, "switchboard.events.retries", "Failed attempts scheduled for retry",
                        SwitchboardMetrics::retries);
                counter(registry, switchboard, "switchboard.events.dead.lettered", "Deliveries dead-lettered",
                        SwitchboardMetrics::deadLettered);
                counter(registry, switchboard, "switchboard.events.duplicates.skipped",
                        "Duplicate deliveries acknowledged without running the handler",
                        SwitchboardMetrics::duplicatesSkipped);
                counter(registry, switchboard, "switchboard.events.released",
                        "Deliveries left for redelivery without using an attempt", SwitchboardMetrics::released);
            });
        }

        private static void counter(io.micrometer.core.instrument.MeterRegistry registry, Switchboard switchboard,
                String name, String description, ToLongFunction<SwitchboardMetrics> value) {
            FunctionCounter.builder(name, switchboard, s -> value.applyAsLong(s.metrics()))
                    .description(description)
                    .tag("driver", switchboard.driverName())
                    .register(registry);
        }
    }
}
