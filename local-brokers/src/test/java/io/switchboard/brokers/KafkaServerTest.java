package io.switchboard.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Kafka (KRaft, own JVM) shared by the class, advertised on a fault proxy in front of it: round trip, topic and
 * committed offsets after kill -9, freeze, proxy cut. Clients bootstrap on the broker's own port; that they still go
 * through the proxy shows the advertised listener at work.
 */
class KafkaServerTest {

    private static FaultProxy proxy;
    private static KafkaServer kafka;

    @BeforeAll
    static void startKafka() {
        int port = LocalBroker.freePort();
        proxy = FaultProxy.to("127.0.0.1", port);
        long started = System.nanoTime();
        kafka = new KafkaServer(KafkaOptions.defaults().withPort(port).withAdvertisedPort(proxy.port())).start();
        Timings.print("kafka (KRaft) first start, storage format included", started);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** The broker's own port: the first metadata response sends clients on to the advertised (proxy) port. */
    private static String direct() {
        return "127.0.0.1:" + kafka.port();
    }

    private static Admin admin() {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, direct());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        return Admin.create(config);
    }

    private static KafkaProducer<String, String> producer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, direct());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, direct());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static void send(String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, "key", value)).get();
            }
        }
    }

    private static List<String> poll(KafkaConsumer<String, String> consumer, int count) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
        }
        return values;
    }

    @Test
    void runsInItsOwnJvmAndRoundTrips() throws Exception {
        String command = ProcessHandle.of(kafka.pid()).orElseThrow().info().commandLine().orElse("");
        assertThat(command).contains("kafka.Kafka", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m");
        assertThat(kafka.dataDirectory().resolve("classpath.args")).content()
                .contains("kafka_2.13-4.4.0.jar", "log4j-slf4j-impl").doesNotContain("junit", "local-brokers");
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + proxy.port()).isEqualTo(kafka.endpoint());
        assertThat(kafka.dataDirectory().resolve("server.log")).content().contains(KafkaServer.READY_LINE);

        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("greetings", 1, (short) 1))).all().get();
        }
        send("greetings", List.of("hello", "world"));
        try (KafkaConsumer<String, String> consumer = consumer("greeters")) {
            consumer.subscribe(List.of("greetings"));
            assertThat(poll(consumer, 2)).containsExactly("hello", "world");
            assertThat(proxy.connections()).as("clients reach the broker through the advertised proxy").isPositive();
        }
    }

    @Test
    void topicAndCommittedOffsetsSurviveKillMinus9() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all().get();
        }
        send("orders", List.of("o1", "o2", "o3", "o4", "o5"));
        TopicPartition partition = new TopicPartition("orders", 0);
        try (KafkaConsumer<String, String> consumer = consumer("workers")) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            assertThat(poll(consumer, 5)).hasSize(5);
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(3)));
        }
        long pid = kafka.pid();

        kafka.kill();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        long restarted = System.nanoTime();
        kafka.start();
        Timings.print("kafka restart after kill -9", restarted);

        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).contains("orders");
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("workers").partitionsToOffsetAndMetadata().get();
            assertThat(committed.get(partition).offset()).isEqualTo(3);
        }
        try (KafkaConsumer<String, String> consumer = consumer("workers")) {
            consumer.subscribe(List.of("orders"));
            assertThat(poll(consumer, 2)).containsExactly("o4", "o5");
        }
    }

    @Test
    void gracefulStopAndRestartKeepTheTopic() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
        }
        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        long restarted = System.nanoTime();
        kafka.start();
        Timings.print("kafka restart after SIGTERM", restarted);
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).contains("kept");
        }
    }

    @Test
    void frozenBrokerTimesOutAndThawRecovers() throws Exception {
        try (Admin admin = admin()) {
            assertThat(listTopics(admin, 5_000)).isNotNull();
            kafka.freeze();
            try {
                assertThatThrownBy(() -> listTopics(admin, 1_000))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
            } finally {
                kafka.thaw();
            }
            assertThat(Eventually.value(() -> listTopics(admin, 2_000), Duration.ofSeconds(30))).isNotNull();
        }
    }

    @Test
    void proxyCutFailsCallsAndRestoreRecovers() throws Exception {
        try (Admin admin = admin()) {
            assertThat(listTopics(admin, 5_000)).isNotNull();
            assertThat(proxy.connections()).isPositive();

            proxy.cut();
            try {
                assertThatThrownBy(() -> listTopics(admin, 1_500))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
            } finally {
                proxy.restore();
            }
            assertThat(Eventually.value(() -> listTopics(admin, 2_000), Duration.ofSeconds(30))).isNotNull();
        }
    }

    private static Set<String> listTopics(Admin admin, int timeoutMs) throws Exception {
        return admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs)).names().get();
    }
}
