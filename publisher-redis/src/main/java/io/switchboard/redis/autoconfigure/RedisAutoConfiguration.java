package io.switchboard.redis.autoconfigure;

import io.lettuce.core.RedisClient;
import io.switchboard.DriverSelection;
import io.switchboard.redis.RedisDriver;
import io.switchboard.spi.EventDriver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@link RedisDriver} as the application's {@link EventDriver} when {@code event.driver=redis}
 * ({@code EVENT_DRIVER=redis}), configured from {@code event.redis.*}. Runs before the Switchboard
 * auto-configuration, which puts the {@code EventPublisher} in front of it. A user-defined {@code EventDriver} bean
 * wins; a user-defined lettuce {@link RedisClient} bean is used for the connections (and not shut down by the driver).
 */
@AutoConfiguration(beforeName = "io.switchboard.spring.autoconfigure.SwitchboardAutoConfiguration")
@ConditionalOnClass(RedisClient.class)
@ConditionalOnProperty(name = DriverSelection.PROPERTY, havingValue = DriverSelection.REDIS)
@EnableConfigurationProperties(RedisDriverProperties.class)
public class RedisAutoConfiguration {

    /** Connects at start-up: an unreachable Redis or refused credentials stop the context with the reason. */
    @Bean
    @ConditionalOnMissingBean(EventDriver.class)
    public RedisDriver redisEventDriver(RedisDriverProperties properties, ObjectProvider<RedisClient> client,
            Environment environment) {
        return new RedisDriver(properties.toOptions(environment::getProperty), client.getIfAvailable());
    }
}
