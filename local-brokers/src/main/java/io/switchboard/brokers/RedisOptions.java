package io.switchboard.brokers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run a local {@link RedisServer}.
 *
 * @param binary       the {@code redis-server} executable; {@code null} looks in {@code /usr/bin}, then the PATH
 * @param port         the client port; 0 picks a free one
 * @param persistence  none, or an append-only file synced on every write (survives kill -9)
 * @param startTimeout how long a start may take until the server answers PING
 */
public record RedisOptions(Path binary, int port, Persistence persistence, Duration startTimeout) {

    /** What Redis writes to its data directory. */
    public enum Persistence {
        /** Nothing: {@code --appendonly no}. */
        NONE,
        /** AOF with {@code --appendfsync always}: every acknowledged write survives a crash. */
        AOF_ALWAYS
    }

    public RedisOptions {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65535) {
            problems.add("port must be 0 (pick a free one) or 1-65535, was " + port);
        }
        if (persistence == null) {
            problems.add("persistence must not be null");
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            problems.add("startTimeout must be positive, was " + startTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid RedisOptions: " + String.join("; ", problems));
        }
    }

    /** No persistence, a free port, 10 s to start. */
    public static RedisOptions defaults() {
        return new RedisOptions(null, 0, Persistence.NONE, Duration.ofSeconds(10));
    }

    /** The defaults with an append-only file synced on every write. */
    public static RedisOptions aofAlways() {
        return defaults().withPersistence(Persistence.AOF_ALWAYS);
    }

    public RedisOptions withBinary(Path binary) {
        return new RedisOptions(binary, port, persistence, startTimeout);
    }

    public RedisOptions withPort(int port) {
        return new RedisOptions(binary, port, persistence, startTimeout);
    }

    public RedisOptions withPersistence(Persistence persistence) {
        return new RedisOptions(binary, port, persistence, startTimeout);
    }

    public RedisOptions withStartTimeout(Duration startTimeout) {
        return new RedisOptions(binary, port, persistence, startTimeout);
    }
}
