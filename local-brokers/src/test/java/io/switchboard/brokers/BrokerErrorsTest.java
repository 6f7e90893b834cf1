package io.switchboard.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.brokers.internal.ProcessRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a missing binary, a taken port and a broker that never becomes ready say. */
class BrokerErrorsTest {

    @Test
    void missingRedisBinaryNamesThePackage() {
        assertThatThrownBy(() -> new RedisServer(RedisOptions.defaults().withBinary(Path.of("/nonexistent/redis-server"))))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("redis-server not found at /nonexistent/redis-server")
                .hasMessageContaining("apt-get install -y redis-server");
    }

    @Test
    void missingNatsBinaryNamesThePackage() {
        assertThatThrownBy(() -> new NatsServer(NatsOptions.defaults().withBinary(Path.of("/nonexistent/nats-server"))))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("nats-server not found at /nonexistent/nats-server")
                .hasMessageContaining("apt-get install -y nats-server");
    }

    @Test
    void invalidOptionsNameEveryProblem() {
        assertThatThrownBy(() -> new RedisOptions(null, 70000, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port").hasMessageContaining("persistence").hasMessageContaining("startTimeout");
    }

    @Test
    void takenPortFailsWithTheRedisLogTail() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
             RedisServer redis = new RedisServer(RedisOptions.defaults().withPort(taken.getLocalPort()))) {
            assertThatThrownBy(redis::start)
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("redis-server exited with code")
                    .hasMessageContaining("redis.log")
                    .hasMessageContaining("Address already in use");
            assertThat(redis.isRunning()).isFalse();
        }
    }

    @Test
    void takenPortFailsWithTheNatsLogTail() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
             NatsServer nats = new NatsServer(NatsOptions.defaults().withPort(taken.getLocalPort()))) {
            assertThatThrownBy(nats::start)
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("nats-server exited with code")
                    .hasMessageContaining("address already in use");
        }
    }

    /** A stand-in executable that logs and keeps running without ever listening: only the deadline can end it. */
    @Test
    void brokerNotReadyWithinTheDeadlineFailsWithItsLogTailAndIsKilled(@TempDir Path dir) throws Exception {
        Path silent = dir.resolve("silent-redis");
        Files.writeString(silent, "#!/bin/sh\necho \"pretending to start with $*\"\nexec sleep 60\n");
        Files.setPosixFilePermissions(silent, PosixFilePermissions.fromString("rwx------"));
        try (RedisServer redis = new RedisServer(RedisOptions.defaults().withBinary(silent)
                .withStartTimeout(Duration.ofMillis(300)))) {
            assertThatThrownBy(redis::start)
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("did not become ready on 127.0.0.1:" + redis.port() + " within 300 ms")
                    .hasMessageContaining("pretending to start with --bind 127.0.0.1 --port " + redis.port());
            assertThat(redis.isRunning()).isFalse();
            assertThat(ProcessRegistry.running()).isEmpty();
        }
    }
}
