package io.switchboard.hybrid;

import static io.switchboard.hybrid.Await.await;
import static io.switchboard.hybrid.Await.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.Event;
import io.switchboard.Health;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import io.switchboard.redis.RedisDriver;
import io.switchboard.redis.RedisDriverOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The degraded modes with the default queue leg, Redis Streams; each broker behind its own fault proxy. */
class HybridRedisDegradedModeTest {

    private static final String TYPE = "security.login.failed";
    private static RedisServer redis;
    private static FaultProxy redisProxy;
    private static NatsServer nats;
    private static FaultProxy natsProxy;

    private HybridDriver driver;
    private Switchboard board;
    private final Set<String> grouped = ConcurrentHashMap.newKeySet();
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startBrokers() {
        redis = new RedisServer(RedisOptions.defaults()).start();
        redisProxy = FaultProxy.to(redis);
        nats = new NatsServer(NatsOptions.defaults()).start();
        natsProxy = FaultProxy.to(nats);
    }

    @AfterAll
    static void stopBrokers() {
        natsProxy.close();
        nats.close();
        redisProxy.close();
        redis.close();
    }

    @BeforeEach
    void start() {
        driver = new HybridDriver(HybridDriverOptions.of(natsProxy.endpoint("nats")).withRealTime("security.>")
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(500)),
                new RedisDriver(RedisDriverOptions.forUrl(redisProxy.endpoint("redis"))
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))));
        board = Switchboard.builder(driver).build();
        board.subscribe("workers", TYPE, Map.class, e -> grouped.add(e.id()));
        board.broadcast(TYPE, Map.class, e -> live.add(e.id()));
        String warmUp = publish();
        await(() -> grouped.contains(warmUp) && live.contains(warmUp), "warm-up on both legs");
    }

    @AfterEach
    void stop() {
        redisProxy.restore();
        natsProxy.restore();
        board.close();
    }

    private String publish() {
        return board.publish(Event.of(TYPE, Map.of("user", "u1"))).join().id();
    }

    private Health leg(String prefix) {
        return board.health().stream().filter(h -> h.component().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void broadcastLegDownPublishSucceedsOnRedisAndTheMissIsCounted() {
        natsProxy.cut();
        await(() -> !leg("broadcast-leg").isUp(), "broadcast leg DOWN");
        long missesBefore = driver.broadcastMisses();
        String during = publish();
        assertThat(driver.broadcastMisses() - missesBefore).isEqualTo(1);
        await(() -> grouped.contains(during), "the group handled the event published during the outage");
        assertThat(live).doesNotContain(during);
        assertThat(leg("queue-leg").isUp()).isTrue();
    }

    @Test
    void redisDownPublishFailsTypedAndNothingIsBroadcast() throws Exception {
        long broadcastsBefore = driver.broadcasts();
        redisProxy.cut();
        assertThatThrownBy(this::publish).cause().isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.reason()).isIn(EnumSet.of(SwitchboardException.Reason.UNAVAILABLE,
                        SwitchboardException.Reason.TIMEOUT)));
        Thread.sleep(300);
        assertThat(driver.broadcasts()).isEqualTo(broadcastsBefore);
        assertThat(live).hasSize(1);
        assertThat(leg("queue-leg").isUp()).isFalse();
        assertThat(leg("broadcast-leg").isUp()).isTrue();

        redisProxy.restore();
        await(() -> {
            try {
                String id = publish();
                return live.contains(id) || waitFor(() -> live.contains(id));
            } catch (RuntimeException stillDown) {
                return false;
            }
        }, "publishing works again once Redis is reachable");
        assertThat(leg("queue-leg").isUp()).isTrue();
    }

    /**
     * A frozen NATS server stops reading: jnats' outgoing queue (5,000 messages) fills up. Beyond it broadcasts are
     * discarded and counted as misses; they never block the thread that runs them (the Redis client's I/O thread,
     * which completes the queue leg's sends), so every publish still succeeds on Redis and every event reaches the
     * group.
     */
    @Test
    void frozenNatsNeverHoldsUpTheQueueLeg() {
        int n = 15_000;
        // 4 KiB each, so that the socket buffers on the way (client, fault proxy, server) cannot take them all.
        String filler = "x".repeat(4_000);
        long missesBefore = driver.broadcastMisses();
        nats.freeze();
        try {
            List<CompletableFuture<Event<Map<String, String>>>> publishes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                publishes.add(board.publish(Event.of(TYPE, Map.of("user", "u" + i, "filler", filler))));
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<Event<Map<String, String>>> p : publishes) {
                ids.add(p.join().id());
            }
            await(() -> grouped.containsAll(ids), "the group handled every event published while NATS was frozen");
            assertThat(driver.broadcastMisses() - missesBefore)
                    .as("broadcasts beyond jnats' outgoing queue are discarded and counted")
                    .isPositive();
            assertThat(leg("queue-leg").isUp()).isTrue();
        } finally {
            nats.thaw();
        }
    }

    private static boolean waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }
}
