package io.switchboard.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.switchboard.brokers.LocalBroker;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The local brokers of one run, started on first use and stopped (by PID, data deleted) on {@link #close()}:
 * Redis with an append-only file synced on every write (what the Redis driver's durability promise assumes), and
 * NATS with JetStream.
 */
public final class Brokers implements AutoCloseable {

    /** A kind of broker a fixture can ask for. */
    public enum Kind { REDIS, NATS }

    private final Map<Kind, LocalBroker> started = new EnumMap<>(Kind.class);
    private RedisClient redisAdmin;
    private StatefulRedisConnection<String, String> redisAdminConnection;

    /** Redis (AOF, appendfsync always), started if needed. */
    public synchronized RedisServer redis() {
        return (RedisServer) started.computeIfAbsent(Kind.REDIS,
                k -> new RedisServer(RedisOptions.aofAlways()).start());
    }

    /** NATS with JetStream, started if needed. */
    public synchronized NatsServer nats() {
        return (NatsServer) started.computeIfAbsent(Kind.NATS, k -> new NatsServer(NatsOptions.defaults()).start());
    }

    void start(Iterable<Kind> kinds) {
        for (Kind kind : kinds) {
            switch (kind) {
                case REDIS -> redis();
                case NATS -> nats();
            }
        }
    }

    /** Deletes every key of the benchmark's Redis (between phases, so the data set does not grow run by run). */
    public synchronized void flushRedis() {
        if (!started.containsKey(Kind.REDIS)) {
            return;
        }
        if (redisAdmin == null) {
            redisAdmin = RedisClient.create(redis().endpoint());
            redisAdminConnection = redisAdmin.connect();
        }
        redisAdminConnection.sync().flushall();
    }

    /** Deletes every JetStream stream of the benchmark's NATS server (between phases, to bound its disk use). */
    public synchronized void deleteJetStreamStreams() {
        if (!started.containsKey(Kind.NATS)) {
            return;
        }
        try (Connection connection = Nats.connect(new Options.Builder().server(nats().endpoint()).build())) {
            JetStreamManagement management = connection.jetStreamManagement();
            for (String stream : management.getStreamNames()) {
                management.deleteStream(stream);
            }
        } catch (IOException | JetStreamApiException e) {
            throw new BenchmarkException("Could not delete the JetStream streams between phases: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("Interrupted while deleting the JetStream streams", e);
        }
    }

    /** CPU nanoseconds used so far by every broker this run started (see {@link CpuMeter}); -1 if unknown. */
    synchronized long cpuNanos() {
        long sum = 0;
        for (LocalBroker broker : started.values()) {
            long used = CpuMeter.processNanos(broker.pid());
            if (used < 0) {
                return -1;
            }
            sum += used;
        }
        return sum;
    }

    /** Suspends the given brokers' processes (SIGSTOP). */
    synchronized void freeze(Iterable<Kind> kinds) {
        for (Kind kind : kinds) {
            LocalBroker broker = started.get(kind);
            if (broker != null) {
                broker.freeze();
            }
        }
    }

    synchronized void thaw(Iterable<Kind> kinds) {
        for (Kind kind : kinds) {
            LocalBroker broker = started.get(kind);
            if (broker != null) {
                broker.thaw();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (redisAdmin != null) {
            redisAdminConnection.close();
            redisAdmin.shutdown();
            redisAdmin = null;
        }
        List<RuntimeException> failures = new ArrayList<>();
        for (LocalBroker broker : started.values()) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        started.clear();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
