package io.switchboard.redis;

import io.switchboard.DriverSelection;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.EventDriverProvider;

/**
 * Builds the {@link RedisDriver} for {@code EVENT_DRIVER=redis} without Spring, from the {@code event.redis.*}
 * settings with {@code REDIS_URL}, {@code REDIS_HOST}, {@code REDIS_PORT} and {@code REDIS_PASSWORD} as defaults (see
 * {@link RedisDriverOptions#fromSettings}).
 */
public final class RedisDriverProvider implements EventDriverProvider {

    @Override
    public String name() {
        return DriverSelection.REDIS;
    }

    @Override
    public EventDriver create(DriverSettings settings) {
        return new RedisDriver(RedisDriverOptions.fromSettings(settings));
    }
}
