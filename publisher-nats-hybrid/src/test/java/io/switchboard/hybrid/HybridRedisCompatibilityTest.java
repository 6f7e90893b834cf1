package io.switchboard.hybrid;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import io.switchboard.redis.RedisDriver;
import io.switchboard.redis.RedisDriverOptions;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.CompatibilityKit;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.HybridLegs;
import io.switchboard.tck.LocalBrokerControl;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;

/**
 * The hybrid driver as shipped by default: Redis Streams queue leg + NATS core broadcast, against the kit, on one
 * redis-server (AOF, fsync always) and one nats-server, each reached through a fault proxy. The kit's broker faults
 * (X) hit Redis; group H takes NATS down (restart, kill, freeze or partition) while Redis stays up.
 */
class HybridRedisCompatibilityTest extends CompatibilityKit {

    private static final RedisServer REDIS = new RedisServer(RedisOptions.aofAlways()).start();
    private static final FaultProxy REDIS_PROXY = FaultProxy.to(REDIS);
    private static final NatsServer NATS = new NatsServer(NatsOptions.defaults()).start();
    private static final FaultProxy NATS_PROXY = FaultProxy.to(NATS);
    private static final HybridLegs LEGS = HybridLegs.of(LocalBrokerControl.of(REDIS, REDIS_PROXY),
            LocalBrokerControl.of(NATS, NATS_PROXY));

    static {
        // C2 builds the driver EVENT_DRIVER names (unset: hybrid) from the environment's settings: point them here.
        System.setProperty(HybridDriverOptions.NATS_URL, NATS_PROXY.endpoint("nats"));
        System.setProperty(HybridDriverOptions.REALTIME, LEGS.realTimePattern());
        System.setProperty(RedisDriverOptions.URL, REDIS_PROXY.endpoint("redis"));
    }

    /** Short consumer timings so a crashed consumer's entries are taken over within the kit's deadlines. */
    static RedisDriverOptions redis() {
        return RedisDriverOptions.forUrl(REDIS_PROXY.endpoint("redis"))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withConsumerTimings(Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    static HybridDriverOptions hybrid() {
        return HybridDriverOptions.of(NATS_PROXY.endpoint("nats")).withRealTime(LEGS.realTimePattern())
                .withReconnect(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    @AfterAll
    static void stopBrokers() {
        System.clearProperty(HybridDriverOptions.NATS_URL);
        System.clearProperty(HybridDriverOptions.REALTIME);
        System.clearProperty(RedisDriverOptions.URL);
        NATS_PROXY.close();
        NATS.close();
        REDIS_PROXY.close();
        REDIS.close();
    }

    @Override
    protected DriverFixture fixture() {
        return new DriverFixture() {
            @Override
            public EventDriver createDriver() {
                return new HybridDriver(hybrid(), new RedisDriver(redis()));
            }

            @Override
            public Optional<BrokerControl> brokerControl() {
                return Optional.of(LEGS.queueLeg());
            }

            @Override
            public Optional<HybridLegs> hybridLegs() {
                return Optional.of(LEGS);
            }

            @Override
            public Optional<DriverInspector> inspector(EventDriver driver) {
                RedisDriver leg = (RedisDriver) ((HybridDriver) driver).queueLeg();
                return Optional.of(DriverInspector.of(leg::deadLetters));
            }

            @Override
            public List<Supplier<EventDriver>> invalidConfigurations() {
                return List.of(
                        () -> new HybridDriver(HybridDriverOptions.of("redis://127.0.0.1:1"), new RedisDriver(redis())),
                        () -> new HybridDriver(hybrid().withSubjectPrefix("a..b"), new RedisDriver(redis())),
                        () -> new HybridDriver(hybrid(), new RedisDriver(redis().withMode(RedisDriverOptions.Mode.PUBSUB))));
            }
        };
    }
}
