package io.switchboard.brokers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to run a local {@link ElasticMqServer} (SQS-compatible, in its own JVM).
 *
 * @param classpath    the server's jars; {@code null} uses the ones the build resolved (see {@link ElasticMqServer})
 * @param java         the {@code java} executable; {@code null} uses the one running this JVM
 * @param port         the SQS REST port; 0 picks a free one
 * @param startTimeout how long a start may take until the log says the server started
 */
public record ElasticMqOptions(List<Path> classpath, Path java, int port, Duration startTimeout) {

    public ElasticMqOptions {
        List<String> problems = new ArrayList<>();
        if (classpath != null && (classpath.isEmpty() || classpath.stream().anyMatch(Objects::isNull))) {
            problems.add("classpath must be null (the jars the build resolved) or a list of jars, was " + classpath);
        }
        if (port < 0 || port > 65535) {
            problems.add("port must be 0 (pick a free one) or 1-65535, was " + port);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            problems.add("startTimeout must be positive, was " + startTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid ElasticMqOptions: " + String.join("; ", problems));
        }
        classpath = classpath == null ? null : List.copyOf(classpath);
    }

    /** The jars the build resolved, a free port, 60 s to start (about 2 s alone, longer on a busy machine). */
    public static ElasticMqOptions defaults() {
        return new ElasticMqOptions(null, null, 0, Duration.ofSeconds(60));
    }

    public ElasticMqOptions withClasspath(List<Path> classpath) {
        return new ElasticMqOptions(classpath, java, port, startTimeout);
    }

    public ElasticMqOptions withJava(Path java) {
        return new ElasticMqOptions(classpath, java, port, startTimeout);
    }

    public ElasticMqOptions withPort(int port) {
        return new ElasticMqOptions(classpath, java, port, startTimeout);
    }

    public ElasticMqOptions withStartTimeout(Duration startTimeout) {
        return new ElasticMqOptions(classpath, java, port, startTimeout);
    }
}
