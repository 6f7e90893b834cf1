package io.switchboard.brokers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run a local {@link NatsServer} (always with JetStream, file storage in its data directory).
 *
 * @param binary       the {@code nats-server} executable; {@code null} uses {@code /usr/sbin/nats-server}, then the PATH
 * @param port         the client port; 0 picks a free one
 * @param monitor      whether to open the HTTP monitor ({@code /varz}, {@code /jsz}) on a free port
 * @param startTimeout how long a start may take until the server sends its INFO line
 */
public record NatsOptions(Path binary, int port, boolean monitor, Duration startTimeout) {

    public NatsOptions {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65535) {
            problems.add("port must be 0 (pick a free one) or 1-65535, was " + port);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            problems.add("startTimeout must be positive, was " + startTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid NatsOptions: " + String.join("; ", problems));
        }
    }

    /** JetStream on, no monitor, a free port, 10 s to start. */
    public static NatsOptions defaults() {
        return new NatsOptions(null, 0, false, Duration.ofSeconds(10));
    }

    public NatsOptions withBinary(Path binary) {
        return new NatsOptions(binary, port, monitor, startTimeout);
    }

    public NatsOptions withPort(int port) {
        return new NatsOptions(binary, port, monitor, startTimeout);
    }

    public NatsOptions withMonitor(boolean monitor) {
        return new NatsOptions(binary, port, monitor, startTimeout);
    }

    public NatsOptions withStartTimeout(Duration startTimeout) {
        return new NatsOptions(binary, port, monitor, startTimeout);
    }
}
