package io.switchboard.brokers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints start and restart times (after SIGTERM, after kill -9) of all four brokers, for the record; asserts only
 * that each is running afterwards. Off by default (it starts every broker again):
 * {@code mvn -B -pl local-brokers -am verify -Dtest=BrokerTimingsTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dswitchboard.brokers.timings=true}.
 */
@EnabledIfSystemProperty(named = "switchboard.brokers.timings", matches = "true")
class BrokerTimingsTest {

    @Test
    void startAndRestartTimes() {
        List<String> rows = new ArrayList<>();
        rows.add(measure("redis-server (AOF always)", () -> new RedisServer(RedisOptions.aofAlways())));
        rows.add(measure("nats-server (JetStream)", () -> new NatsServer(NatsOptions.defaults())));
        rows.add(measure("kafka 4.4.0 (KRaft, own JVM)", () -> new KafkaServer(KafkaOptions.defaults())));
        rows.add(measure("elasticmq 1.7.1 (own JVM)", () -> new ElasticMqServer(ElasticMqOptions.defaults())));
        System.out.println("[timing] broker | first start | restart after SIGTERM | restart after kill -9 (ms)");
        rows.forEach(row -> System.out.println("[timing] " + row));
    }

    private static String measure(String name, Supplier<LocalBroker> create) {
        try (LocalBroker broker = create.get()) {
            long t0 = System.nanoTime();
            broker.start();
            long start = millisSince(t0);
            broker.stop();
            long t1 = System.nanoTime();
            broker.start();
            long afterTerm = millisSince(t1);
            broker.kill();
            long t2 = System.nanoTime();
            broker.start();
            long afterKill = millisSince(t2);
            assertThat(broker.isRunning()).isTrue();
            return name + " | " + start + " | " + afterTerm + " | " + afterKill;
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
