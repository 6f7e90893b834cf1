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
import java.util.List;
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

    @Test
    void missingKafkaJarsSayHowToResolveThem() {
        assertThatThrownBy(() -> new KafkaServer(KafkaOptions.defaults()
                .withClasspath(List.of(Path.of("/nonexistent/kafka_2.13-4.4.0.jar")))))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("/nonexistent/kafka_2.13-4.4.0.jar")
                .hasMessageContaining("mvn -B -pl local-brokers -am package -DskipTests");
    }

    @Test
    void kafkaJarsNamedByTheSystemPropertyAreChecked() {
        System.setProperty("switchboard.brokers.elasticmq.classpath", "/nonexistent/elasticmq-server.jar");
        try {
            assertThatThrownBy(() -> new ElasticMqServer(ElasticMqOptions.defaults()))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("-Dswitchboard.brokers.elasticmq.classpath")
                    .hasMessageContaining("/nonexistent/elasticmq-server.jar");
        } finally {
            System.clearProperty("switchboard.brokers.elasticmq.classpath");
        }
    }

    /** Jars that exist but hold no Kafka: the JVM exits at once, and the error shows what it said. */
    @Test
    void kafkaThatCannotStartFailsWithItsLogTail(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectory(dir.resolve("no-kafka-here"));
        try (KafkaServer kafka = new KafkaServer(KafkaOptions.defaults().withClasspath(List.of(empty)))) {
            assertThatThrownBy(kafka::start)
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("formatting the Kafka storage")
                    .hasMessageContaining("server.log")
                    .hasMessageContaining("kafka.tools.StorageTool");
            assertThat(kafka.isRunning()).isFalse();
        }
    }

    @Test
    void elasticMqNotReadyWithinTheDeadlineFailsWithItsLogTailAndIsKilled() {
        try (ElasticMqServer elasticMq = new ElasticMqServer(ElasticMqOptions.defaults()
                .withStartTimeout(Duration.ofMillis(200)))) {
            assertThatThrownBy(elasticMq::start)
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("did not become ready on 127.0.0.1:" + elasticMq.port() + " within 200 ms")
                    .hasMessageContaining("elasticmq.log");
            assertThat(elasticMq.isRunning()).isFalse();
            assertThat(ProcessRegistry.running()).isEmpty();
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
