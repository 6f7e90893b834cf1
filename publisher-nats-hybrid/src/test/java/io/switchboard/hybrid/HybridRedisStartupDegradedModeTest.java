package io.switchboard.hybrid;

import static io.switchboard.hybrid.Await.await;
import static io.switchboard.hybrid.Await.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.Capabilities;
import io.switchboard.Event;
import io.switchboard.Health;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import io.switchboard.redis.RedisDriver;
import io.switchboard.spi.DriverSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Start-up with the default queue leg (Redis Streams) unreachable: {@code event.hybrid.startup=degraded} starts and
 * attaches the leg when Redis comes up; {@code fail-fast} (the default) fails at construction. Redis is a real
 * redis-server whose port is reserved but which is not running at start-up.
 */
class HybridRedisStartupDegradedModeTest {

    private static final String TYPE = "security.login.failed";
    private static final String CONNECT_THREAD = "switchboard-hybrid-queue-leg-redis-connect";
    private static NatsServer nats;

    private RedisServer redis;
    private Switchboard board;

    @BeforeAll
    static void startNats() {
        nats = new NatsServer(NatsOptions.defaults()).start();
    }

    @AfterAll
    static void stopNats() {
        nats.close();
    }

    @BeforeEach
    void reserveRedis() {
        redis = new RedisServer(RedisOptions.defaults());
        redis.port(); // chosen now, kept when it starts later
    }

    @AfterEach
    void stop() {
        if (board != null) {
            board.close();
        }
        redis.close();
    }

    private Map<String, String> settings(String startup) {
        Map<String, String> s = new HashMap<>();
        s.put(HybridDriverOptions.NATS_URL, nats.endpoint());
        s.put(HybridDriverOptions.REALTIME, "security.>");
        s.put(HybridDriverOptions.RECONNECT_WAIT, "50ms");
        s.put(HybridDriverOptions.MAX_RECONNECT_WAIT, "500ms");
        s.put("event.redis.url", redisUrl());
        if (startup != null) {
            s.put(HybridDriverOptions.STARTUP, startup);
        }
        return s;
    }

    private String redisUrl() {
        return "redis://127.0.0.1:" + redis.port();
    }

    private Health leg(String prefix) {
        return board.health().stream().filter(h -> h.component().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void degradedStartupWithRedisDownStartsAndAttachesGroupSubscriptionsWhenRedisComesUp() {
        HybridDriver driver = (HybridDriver) new HybridDriverProvider()
                .create(DriverSettings.of(settings("degraded")));
        board = Switchboard.builder(driver).build();
        Set<String> grouped = ConcurrentHashMap.newKeySet();
        Set<String> live = ConcurrentHashMap.newKeySet();
        board.subscribe("workers", TYPE, Map.class, e -> grouped.add(e.id()));
        board.broadcast(TYPE, Map.class, e -> live.add(e.id()));

        // Declared up front, before any Redis work.
        assertThat(driver.capabilities().delivery()).isEqualTo(Capabilities.Delivery.AT_LEAST_ONCE);
        assertThat(driver.capabilities().durability()).isEqualTo(Capabilities.Durability.CONSUMER_RESTART);

        assertThatThrownBy(() -> board.publish(Event.of(TYPE, Map.of("user", "u1"))).join()).cause()
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("not connected yet").contains("127.0.0.1:" + redis.port());
                });
        sleep(300);
        assertThat(driver.broadcasts()).isZero();
        assertThat(live).isEmpty();
        assertThat(leg("queue-leg").isUp()).isFalse();
        assertThat(leg("broadcast-leg").isUp()).isTrue();

        long started = System.nanoTime();
        redis.start();
        await(() -> leg("queue-leg").isUp(), "queue leg UP once Redis runs");
        long upMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(driver.queueLeg()).isInstanceOf(RedisDriver.class);
        // The declaration made without connecting is the Redis driver's own, durability aside.
        Capabilities real = driver.queueLeg().capabilities();
        assertThat(real.toBuilder().durability(Capabilities.Durability.CONSUMER_RESTART).build())
                .isEqualTo(HybridDriverProvider.declaredCapabilities("redis", DriverSettings.of(settings("degraded"))));

        String id = board.publish(Event.of(TYPE, Map.of("user", "u2"))).join().id();
        await(() -> grouped.contains(id), "the group subscribed while Redis was down receives the event");
        await(() -> live.contains(id), "the broadcast subscriber receives the real-time event");
        assertThat(leg("queue-leg").isUp()).isTrue();
        System.out.println("degraded start: queue leg UP " + upMillis + " ms after redis-server started");
    }

    @Test
    void failFastStartupWithRedisDownFailsAtConstructionNamingTheUrlAndTheDegradedOption() {
        assertThatThrownBy(() -> new HybridDriverProvider().create(DriverSettings.of(settings(null))))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).contains(redisUrl()).contains("event.hybrid.startup=degraded");
                });
        assertThat(connectThreadAlive()).isFalse();
    }

    @Test
    void closeWhileRedisIsDownStopsTheRetries() {
        HybridDriver driver = (HybridDriver) new HybridDriverProvider()
                .create(DriverSettings.of(settings("degraded")));
        await(HybridRedisStartupDegradedModeTest::connectThreadAlive, "the background connection thread runs");
        driver.close(Duration.ofSeconds(1));
        await(() -> !connectThreadAlive(), "close() stops the background connection thread");
    }

    private static boolean connectThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals(CONNECT_THREAD));
    }
}
