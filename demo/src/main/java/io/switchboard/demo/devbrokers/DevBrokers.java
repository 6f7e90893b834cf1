package io.switchboard.demo.devbrokers;

import io.switchboard.brokers.LocalBroker;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The brokers started for the selected driver ({@code event.driver}, i.e. {@code EVENT_DRIVER}; default
 * {@code hybrid}) when no endpoint is configured, the way development services work in Spring Boot and Quarkus:
 * <ul>
 *   <li>{@code redis}: a Redis with an append-only file synced on every write; sets {@code event.redis.url};</li>
 *   <li>{@code hybrid}: that Redis (unless {@code event.hybrid.queue=jetstream}) and a NATS with JetStream; sets
 *       {@code event.redis.url} and {@code event.hybrid.nats.url}.</li>
 * </ul>
 * A configured endpoint wins and nothing is started for it: {@code event.redis.url}, {@code event.redis.host},
 * {@code REDIS_URL}, {@code REDIS_HOST}; {@code event.hybrid.nats.url}, {@code NATS_URL}. Other drivers start
 * nothing, and {@code demo.dev-brokers.enabled=false} turns the whole thing off. {@link #close()} stops what was
 * started (a JVM shutdown hook does too, should nobody close it).
 */
public final class DevBrokers implements AutoCloseable {

    public static final String PROPERTY_SOURCE = "switchboardDevBrokers";
    static final String ENABLED = "demo.dev-brokers.enabled";
    static final String DRIVER = "event.driver";
    static final String REDIS_URL = "event.redis.url";
    static final String NATS_URL = "event.hybrid.nats.url";

    private final List<LocalBroker> started;

    private DevBrokers(List<LocalBroker> started) {
        this.started = List.copyOf(started);
    }

    /**
     * Starts the brokers the environment's driver needs and has no endpoint for, and adds their endpoints to the
     * environment (as the last property source: anything configured still wins).
     *
     * @param log receives one line per started broker, with its endpoint
     */
    public static DevBrokers startFor(ConfigurableEnvironment environment, Consumer<String> log) {
        if (!environment.getProperty(ENABLED, Boolean.class, true)) {
            return new DevBrokers(List.of());
        }
        String driver = environment.getProperty(DRIVER, "hybrid").trim().toLowerCase(Locale.ROOT);
        boolean hybrid = driver.equals("hybrid");
        boolean needsRedis = driver.equals("redis")
                || (hybrid && !"jetstream".equalsIgnoreCase(environment.getProperty("event.hybrid.queue", "redis")));
        boolean needsNats = hybrid;

        List<LocalBroker> started = new ArrayList<>();
        Map<String, Object> endpoints = new LinkedHashMap<>();
        try {
            if (needsRedis && !configured(environment, REDIS_URL, "event.redis.host", "REDIS_URL", "REDIS_HOST")) {
                RedisServer redis = new RedisServer(RedisOptions.aofAlways());
                started.add(redis);
                redis.start();
                endpoints.put(REDIS_URL, redis.endpoint());
                log.accept("Started Redis for driver '" + driver + "' at " + redis.endpoint() + " (" + REDIS_URL
                        + "; data in " + redis.dataDirectory() + ")");
            }
            if (needsNats && !configured(environment, NATS_URL, "NATS_URL")) {
                NatsServer nats = new NatsServer(NatsOptions.defaults());
                started.add(nats);
                nats.start();
                endpoints.put(NATS_URL, nats.endpoint());
                log.accept("Started NATS (JetStream) for driver '" + driver + "' at " + nats.endpoint() + " ("
                        + NATS_URL + ")");
            }
        } catch (RuntimeException e) {
            started.forEach(LocalBroker::close);
            throw e;
        }
        if (!endpoints.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, endpoints));
        }
        return new DevBrokers(started);
    }

    private static boolean configured(ConfigurableEnvironment environment, String... names) {
        for (String name : names) {
            String value = environment.getProperty(name);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /** The brokers this started, in start order. */
    public List<LocalBroker> started() {
        return started;
    }

    /** Stops the started brokers and deletes their data. Idempotent. */
    @Override
    public void close() {
        started.forEach(LocalBroker::close);
    }
}
