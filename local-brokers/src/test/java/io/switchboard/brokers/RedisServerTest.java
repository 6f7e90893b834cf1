package io.switchboard.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.Consumer;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessages;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real redis-server (AOF, fsync always) shared by the class: round trip, crash and restart, freeze, proxy faults. */
class RedisServerTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    private static RedisServer redis;
    private static ClientResources resources;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() {
        long started = System.nanoTime();
        redis = new RedisServer(RedisOptions.aofAlways()).start();
        Timings.print("redis-server (AOF always) start", started);
        resources = DefaultClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
        client = RedisClient.create(resources);
    }

    @AfterAll
    static void stopRedis() {
        if (client != null) {
            client.shutdown();
        }
        if (resources != null) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static StatefulRedisConnection<String, String> connect(int port, Duration timeout) {
        return client.connect(RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(timeout).build());
    }

    @Test
    void answersOnItsEndpointWithoutPersistenceToo() {
        assertThat(redis.endpoint()).isEqualTo("redis://127.0.0.1:" + redis.port());
        assertThat(ProcessHandle.of(redis.pid())).isPresent();
        long started = System.nanoTime();
        try (RedisServer plain = new RedisServer(RedisOptions.defaults()).start();
             var connection = client.connect(RedisURI.create(plain.endpoint()))) {
            Timings.print("redis-server (no persistence) start", started);
            connection.sync().set("greeting", "hello");
            assertThat(connection.sync().get("greeting")).isEqualTo("hello");
            assertThat(plain.dataDirectory().resolve("appendonlydir")).doesNotExist();
        }
    }

    @Test
    void streamAndConsumerGroupSurviveKillMinus9() {
        try (var connection = connect(redis.port(), Duration.ofSeconds(5))) {
            RedisCommands<String, String> sync = connection.sync();
            sync.xadd("orders", Map.of("n", "1"));
            sync.xadd("orders", Map.of("n", "2"));
            sync.xgroupCreate(XReadArgs.StreamOffset.from("orders", "0"), "workers");
            List<StreamMessage<String, String>> read = sync.xreadgroup(Consumer.from("workers", "c1"),
                    XReadArgs.Builder.count(1), XReadArgs.StreamOffset.lastConsumed("orders"));
            assertThat(read).hasSize(1);
        }
        long pid = redis.pid();

        redis.kill();
        assertThat(redis.isRunning()).isFalse();
        long restarted = System.nanoTime();
        redis.start();
        Timings.print("redis-server restart after kill -9 (AOF replay)", restarted);

        assertThat(redis.pid()).isNotEqualTo(pid);
        try (var connection = connect(redis.port(), Duration.ofSeconds(5))) {
            RedisCommands<String, String> sync = connection.sync();
            assertThat(sync.xlen("orders")).isEqualTo(2);
            PendingMessages pending = sync.xpending("orders", "workers");
            assertThat(pending.getCount()).isEqualTo(1);
            assertThat(pending.getConsumerMessageCount()).containsEntry("c1", 1L);
        }
    }

    @Test
    void gracefulStopAndRestartKeepTheData() {
        try (var connection = connect(redis.port(), Duration.ofSeconds(5))) {
            connection.sync().set("kept", "yes");
        }
        redis.stop();
        long restarted = System.nanoTime();
        redis.start();
        Timings.print("redis-server restart after SIGTERM", restarted);
        try (var connection = connect(redis.port(), Duration.ofSeconds(5))) {
            assertThat(connection.sync().get("kept")).isEqualTo("yes");
        }
    }

    @Test
    void frozenServerTimesOutAndThawRecovers() {
        try (var connection = connect(redis.port(), SHORT)) {
            RedisCommands<String, String> sync = connection.sync();
            assertThat(sync.ping()).isEqualTo("PONG");
            redis.freeze();
            try {
                assertThatThrownBy(sync::ping).isInstanceOf(RedisCommandTimeoutException.class);
            } finally {
                redis.thaw();
            }
            assertThat(sync.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void proxyCutFailsCommandsAndRestoreReconnects() {
        try (FaultProxy proxy = FaultProxy.to(redis);
             var connection = connect(proxy.port(), SHORT)) {
            RedisCommands<String, String> sync = connection.sync();
            sync.set("via-proxy", "1");
            assertThat(sync.get("via-proxy")).isEqualTo("1");
            assertThat(proxy.endpoint("redis")).isEqualTo("redis://127.0.0.1:" + proxy.port());

            proxy.cut();
            assertThatThrownBy(() -> sync.get("via-proxy")).isInstanceOf(RedisException.class);

            proxy.restore();
            assertThat(Eventually.value(() -> sync.get("via-proxy"), Duration.ofSeconds(10))).isEqualTo("1");
        }
    }

    @Test
    void proxyStallTimesOutAndResumeDeliversAgain() {
        try (FaultProxy proxy = FaultProxy.to(redis);
             var connection = connect(proxy.port(), SHORT)) {
            RedisCommands<String, String> sync = connection.sync();
            assertThat(sync.ping()).isEqualTo("PONG");
            proxy.stall();
            assertThatThrownBy(sync::ping).isInstanceOf(RedisCommandTimeoutException.class);
            proxy.resume();
            assertThat(Eventually.value(sync::ping, Duration.ofSeconds(5))).isEqualTo("PONG");
        }
    }
}
