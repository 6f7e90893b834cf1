package io.switchboard.brokers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to run a local {@link KafkaServer} (KRaft, one combined broker and controller, in its own JVM).
 *
 * @param classpath      the server's jars; {@code null} uses the ones the build resolved (see {@link KafkaServer})
 * @param java           the {@code java} executable; {@code null} uses the one running this JVM
 * @param port           the broker's client port; 0 picks a free one
 * @param advertisedPort the port Kafka tells clients to connect to, e.g. a {@link FaultProxy}'s in front of
 *                       {@code port}; 0 means {@code port} itself
 * @param startTimeout   how long a start may take until the log says "Kafka Server started" (storage format included)
 */
public record KafkaOptions(List<Path> classpath, Path java, int port, int advertisedPort, Duration startTimeout) {

    public KafkaOptions {
        List<String> problems = new ArrayList<>();
        if (classpath != null && (classpath.isEmpty() || classpath.stream().anyMatch(Objects::isNull))) {
            problems.add("classpath must be null (the jars the build resolved) or a list of jars, was " + classpath);
        }
        if (port < 0 || port > 65535) {
            problems.add("port must be 0 (pick a free one) or 1-65535, was " + port);
        }
        if (advertisedPort < 0 || advertisedPort > 65535) {
            problems.add("advertisedPort must be 0 (the port itself) or 1-65535, was " + advertisedPort);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            problems.add("startTimeout must be positive, was " + startTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid KafkaOptions: " + String.join("; ", problems));
        }
        classpath = classpath == null ? null : List.copyOf(classpath);
    }

    /** The jars the build resolved, a free port advertised as itself, 60 s to start (a cold start takes 3-4 s alone,
     *  much longer on a busy two-core machine). */
    public static KafkaOptions defaults() {
        return new KafkaOptions(null, null, 0, 0, Duration.ofSeconds(60));
    }

    public KafkaOptions withClasspath(List<Path> classpath) {
        return new KafkaOptions(classpath, java, port, advertisedPort, startTimeout);
    }

    public KafkaOptions withJava(Path java) {
        return new KafkaOptions(classpath, java, port, advertisedPort, startTimeout);
    }

    public KafkaOptions withPort(int port) {
        return new KafkaOptions(classpath, java, port, advertisedPort, startTimeout);
    }

    public KafkaOptions withAdvertisedPort(int advertisedPort) {
        return new KafkaOptions(classpath, java, port, advertisedPort, startTimeout);
    }

    public KafkaOptions withStartTimeout(Duration startTimeout) {
        return new KafkaOptions(classpath, java, port, advertisedPort, startTimeout);
    }
}
