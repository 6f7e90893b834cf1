package io.switchboard.redis;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.CompatibilityKit;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.LocalBrokerControl;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;

/**
 * Pub/sub mode against the compatibility kit, on one real redis-server for the class (no persistence: nothing in
 * pub/sub mode is stored), reached through a fault proxy so the kit can restart, freeze and partition it.
 */
class RedisPubSubCompatibilityTest extends CompatibilityKit {

    private static final RedisServer REDIS = new RedisServer(RedisOptions.defaults()).start();
    private static final FaultProxy PROXY = FaultProxy.to(REDIS);

    static {
        // C2 builds the driver EVENT_DRIVER names from the environment's settings: point those at this server.
        System.setProperty(RedisDriverOptions.URL, PROXY.endpoint("redis"));
        System.setProperty(RedisDriverOptions.MODE, "pubsub");
    }

    static RedisDriverOptions options() {
        return RedisDriverOptions.forUrl(PROXY.endpoint("redis")).withMode(RedisDriverOptions.Mode.PUBSUB)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withConsumerTimings(Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopRedis() {
        PROXY.close();
        REDIS.close();
    }

    @Override
    protected DriverFixture fixture() {
        return new DriverFixture() {
            @Override
            public EventDriver createDriver() {
                return new RedisDriver(options());
            }

            @Override
            public Optional<BrokerControl> brokerControl() {
                return Optional.of(LocalBrokerControl.of(REDIS, PROXY));
            }

            @Override
            public List<Supplier<EventDriver>> invalidConfigurations() {
                return List.of(
                        () -> new RedisDriver(options().withUrl("http://" + REDIS.host() + ":" + REDIS.port())),
                        () -> new RedisDriver(options().withUrl(null).withHost(REDIS.host(), 0)),
                        () -> new RedisDriver(options().withTrim(RedisDriverOptions.Trim.MAXLEN, 0, null)),
                        () -> new RedisDriver(options().withConsumerTimings(Duration.ZERO, Duration.ofSeconds(2))));
            }
        };
    }
}
