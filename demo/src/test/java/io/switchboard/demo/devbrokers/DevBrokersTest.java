package io.switchboard.demo.devbrokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/** Which brokers the demo starts for which driver, and that configured endpoints win. */
class DevBrokersTest {

    private final List<String> log = new ArrayList<>();

    @Test
    void redisDriverStartsARedisAndSetsItsUrl() throws IOException {
        MockEnvironment environment = new MockEnvironment().withProperty("event.driver", "redis");
        try (DevBrokers brokers = DevBrokers.startFor(environment, log::add)) {
            assertThat(brokers.started()).hasSize(1);
            String url = environment.getProperty("event.redis.url");
            assertThat(url).startsWith("redis://127.0.0.1:");
            assertThat(firstLine(url, "*1\r\n$4\r\nPING\r\n")).isEqualTo("+PONG");
            assertThat(environment.getProperty("event.hybrid.nats.url")).isNull();
            assertThat(log).singleElement().asString().contains("Started Redis", url);

            brokers.close();
            assertThatThrownBy(() -> firstLine(url, "*1\r\n$4\r\nPING\r\n")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void hybridIsTheDefaultAndStartsRedisAndNats() throws IOException {
        MockEnvironment environment = new MockEnvironment();
        try (DevBrokers brokers = DevBrokers.startFor(environment, log::add)) {
            assertThat(brokers.started()).hasSize(2);
            assertThat(firstLine(environment.getProperty("event.redis.url"), "*1\r\n$4\r\nPING\r\n")).isEqualTo("+PONG");
            String nats = environment.getProperty("event.hybrid.nats.url");
            assertThat(nats).startsWith("nats://127.0.0.1:");
            assertThat(firstLine(nats, null)).startsWith("INFO ").contains("\"jetstream\":true");
            assertThat(log).hasSize(2);
        }
    }

    @Test
    void configuredEndpointsWinAndNothingIsStarted() {
        MockEnvironment redisByEnv = new MockEnvironment().withProperty("event.driver", "redis")
                .withProperty("REDIS_HOST", "redis.internal");
        MockEnvironment hybridByProperties = new MockEnvironment().withProperty("event.driver", "hybrid")
                .withProperty("event.redis.url", "redis://redis.internal:6379")
                .withProperty("NATS_URL", "nats://nats.internal:4222");
        try (DevBrokers first = DevBrokers.startFor(redisByEnv, log::add);
             DevBrokers second = DevBrokers.startFor(hybridByProperties, log::add)) {
            assertThat(first.started()).isEmpty();
            assertThat(second.started()).isEmpty();
            assertThat(redisByEnv.getProperty("event.redis.url")).isNull();
            assertThat(hybridByProperties.getProperty("event.redis.url")).isEqualTo("redis://redis.internal:6379");
            assertThat(hybridByProperties.getPropertySources().contains(DevBrokers.PROPERTY_SOURCE)).isFalse();
            assertThat(log).isEmpty();
        }
    }

    @Test
    void driversWithoutTheseBrokersStartNothing() {
        for (String driver : List.of("in-memory", "kafka", "sqs")) {
            MockEnvironment environment = new MockEnvironment().withProperty("event.driver", driver);
            try (DevBrokers brokers = DevBrokers.startFor(environment, log::add)) {
                assertThat(brokers.started()).as(driver).isEmpty();
                assertThat(environment.getProperty("event.redis.url")).as(driver).isNull();
            }
        }
        MockEnvironment disabled = new MockEnvironment().withProperty("demo.dev-brokers.enabled", "false");
        try (DevBrokers brokers = DevBrokers.startFor(disabled, log::add)) {
            assertThat(brokers.started()).isEmpty();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Empty {
    }

    /** Registered in spring.factories: runs before the context starts, and closing the context stops the broker. */
    @Test
    void theEnvironmentPostProcessorStartsRedisForTheContextAndStopsItWithTheContext() throws IOException {
        String url;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Empty.class)
                .web(WebApplicationType.NONE).properties("event.driver=redis").run()) {
            url = context.getEnvironment().getProperty("event.redis.url");
            assertThat(url).startsWith("redis://127.0.0.1:");
            assertThat(firstLine(url, "*1\r\n$4\r\nPING\r\n")).isEqualTo("+PONG");
        }
        String closedUrl = url;
        assertThatThrownBy(() -> firstLine(closedUrl, "*1\r\n$4\r\nPING\r\n")).isInstanceOf(IOException.class);
    }

    /** Connects to the endpoint, sends the request (if any) and returns the first line of the answer. */
    private static String firstLine(String url, String request) throws IOException {
        URI uri = URI.create(url);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1_000);
            socket.setSoTimeout(2_000);
            if (request != null) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null) {
                throw new IOException("connection closed by " + url);
            }
            return line;
        }
    }
}
