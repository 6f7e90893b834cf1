package io.switchboard.hybrid;

import io.switchboard.DriverSelection;
import io.switchboard.Capabilities;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.hybrid.internal.PendingQueueLeg;
import io.switchboard.redis.RedisDriver;
import io.switchboard.redis.RedisDriverOptions;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.EventDriverProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Builds the {@link HybridDriver} for {@code EVENT_DRIVER=hybrid} (or unset) without Spring, from the
 * {@code event.hybrid.*} settings ({@link HybridDriverOptions}, {@link JetStreamOptions}). The queue leg named by
 * {@code event.hybrid.queue} is {@code jetstream}, or any registered at-least-once driver ({@code redis}, the default,
 * is built by its own provider from the {@code event.redis.*} settings, in streams mode).
 */
public final class HybridDriverProvider implements EventDriverProvider {

    public static final String REDIS_MODE = "event.redis.mode";

    @Override
    public String name() {
        return DriverSelection.HYBRID;
    }

    @Override
    public EventDriver create(DriverSettings settings) {
        HybridDriverOptions options = options(settings);
        String queue = settings.get(HybridDriverOptions.QUEUE, HybridDriverOptions.DEFAULT_QUEUE)
                .toLowerCase(Locale.ROOT);
        if (queue.equals(HybridDriverOptions.JETSTREAM_QUEUE)) {
            return HybridDriver.withJetStream(options, jetStreamOptions(settings));
        }
        return new HybridDriver(options, startQueueLeg(options, queue, settings,
                HybridDriverProvider.class.getClassLoader()));
    }

    /**
     * The queue leg {@code queue} for a hybrid started with {@code options}: built now; if its broker is unreachable
     * ({@code UNAVAILABLE} or {@code TIMEOUT}), {@code startup=fail-fast} fails with {@code UNAVAILABLE} naming the
     * {@code degraded} option, and {@code startup=degraded} returns a leg that is built in the background (Redis
     * only: its capabilities are derived from its options without connecting, see {@link #declaredCapabilities}).
     */
    public static EventDriver startQueueLeg(HybridDriverOptions options, String queue, DriverSettings settings,
            ClassLoader classLoader) {
        Supplier<EventDriver> build = legBuilder(queue, settings, classLoader);
        try {
            return build.get();
        } catch (SwitchboardException e) {
            if (e.reason() != Reason.UNAVAILABLE && e.reason() != Reason.TIMEOUT) {
                throw e;
            }
            if (options.startup() == HybridDriverOptions.Startup.FAIL_FAST) {
                throw SwitchboardException.of(Reason.UNAVAILABLE, e.getMessage() + ". The hybrid driver needs its "
                        + "queue leg (" + queue + ") at start-up with " + HybridDriverOptions.STARTUP + "=fail-fast "
                        + "(the default); start the broker, or set " + HybridDriverOptions.STARTUP + "=degraded to "
                        + "start without it and connect in the background", e);
            }
            Capabilities declared = declaredCapabilities(queue, settings);
            if (declared == null) {
                throw SwitchboardException.of(Reason.UNAVAILABLE, e.getMessage() + ". " + HybridDriverOptions.STARTUP
                        + "=degraded cannot start without the queue leg '" + queue + "': its capabilities are only "
                        + "known once it is connected (degraded start-up covers redis and jetstream)", e);
            }
            return new PendingQueueLeg(queue, build, declared, options.reconnectWait(), options.maxReconnectWait(),
                    e);
        }
    }

    /**
     * What the queue leg {@code queue} declares, known without connecting, or null if it cannot be known. Redis
     * Streams: the Redis driver's streams capabilities for these options, with durability {@code CONSUMER_RESTART},
     * because whether Redis writes every event to disk before answering ({@code BROKER_RESTART}) can only be read
     * from the server; declaring the weaker promise keeps the declaration true whatever the server's settings.
     */
    public static Capabilities declaredCapabilities(String queue, DriverSettings settings) {
        if (!queue.equals(DriverSelection.REDIS)) {
            return null;
        }
        return RedisDriver.streamsCapabilities(RedisDriverOptions.fromSettings(settings),
                Capabilities.Durability.CONSUMER_RESTART);
    }

    /**
     * The queue leg {@code queue} built now by its registered provider; Redis is forced to (and checked for)
     * streams. A broker that is unreachable fails here (fail-fast); see {@link #startQueueLeg} for the start-up
     * policy.
     */
    public static EventDriver queueLeg(String queue, DriverSettings settings, ClassLoader classLoader) {
        return legBuilder(queue, settings, classLoader).get();
    }

    /** Checks the settings now (configuration errors are never deferred) and returns how to build the leg. */
    private static Supplier<EventDriver> legBuilder(String queue, DriverSettings settings, ClassLoader classLoader) {
        if (queue.equals(DriverSelection.HYBRID)) {
            throw SwitchboardException.configuration(HybridDriverOptions.QUEUE + " cannot be 'hybrid'; use redis "
                    + "(default) or jetstream");
        }
        var provider = DriverSelection.providers(classLoader).get(queue);
        if (provider == null) {
            if (queue.equals(DriverSelection.REDIS)) {
                throw SwitchboardException.configuration("The hybrid driver's queue leg is Redis Streams ("
                        + HybridDriverOptions.QUEUE + "=redis, the default), but io.switchboard:publisher-redis is "
                        + "not on the classpath: add it, or set " + HybridDriverOptions.QUEUE + "=jetstream");
            }
            throw SwitchboardException.configuration(HybridDriverOptions.QUEUE + "='" + queue + "' names no driver "
                    + "on the classpath; use redis (default), jetstream, or the name of an at-least-once driver");
        }
        DriverSettings legSettings = settings;
        if (queue.equals(DriverSelection.REDIS)) {
            String mode = settings.get(REDIS_MODE, "streams");
            if (!mode.equalsIgnoreCase("streams")) {
                throw SwitchboardException.configuration(REDIS_MODE + "=" + mode + " is at-most-once; the hybrid "
                        + "driver's queue leg needs streams (unset " + REDIS_MODE + " or set it to streams)");
            }
            legSettings = DriverSettings.of(name -> name.equals(REDIS_MODE) ? "streams"
                    : settings.get(name).orElse(null));
        }
        DriverSettings finalSettings = legSettings;
        return () -> provider.create(finalSettings);
    }

    /** The broadcast leg and routing settings. */
    public static HybridDriverOptions options(DriverSettings s) {
        String url = s.get(HybridDriverOptions.NATS_URL).or(() -> s.get("NATS_URL")).orElse(null);
        Set<String> liveGroups = s.get(HybridDriverOptions.LIVE_GROUPS)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(g -> !g.isEmpty())
                        .collect(Collectors.toSet()))
                .orElse(Set.of());
        NatsSecurity security = new NatsSecurity(
                s.get(HybridDriverOptions.NATS_TOKEN).orElse(null),
                s.get(HybridDriverOptions.NATS_USERNAME).orElse(null),
                s.get(HybridDriverOptions.NATS_PASSWORD).orElse(null),
                s.get(HybridDriverOptions.NATS_CREDENTIALS_FILE).map(Path::of).orElse(null),
                Boolean.parseBoolean(s.get(HybridDriverOptions.NATS_TLS, "false")),
                s.get(HybridDriverOptions.NATS_TRUSTSTORE).map(Path::of).orElse(null),
                s.get(HybridDriverOptions.NATS_TRUSTSTORE_PASSWORD).orElse(null),
                s.get(HybridDriverOptions.NATS_KEYSTORE).map(Path::of).orElse(null),
                s.get(HybridDriverOptions.NATS_KEYSTORE_PASSWORD).orElse(null));
        return new HybridDriverOptions(url,
                s.get(HybridDriverOptions.SUBJECT_PREFIX, ""),
                HybridDriverOptions.parsePatterns(s.get(HybridDriverOptions.REALTIME).orElse(null)),
                liveGroups,
                HybridDriverOptions.Startup.parse(s.get(HybridDriverOptions.STARTUP, "fail-fast")),
                security,
                s.getDuration(HybridDriverOptions.CONNECT_TIMEOUT, HybridDriverOptions.DEFAULT_CONNECT_TIMEOUT),
                s.getDuration(HybridDriverOptions.RECONNECT_WAIT, HybridDriverOptions.DEFAULT_RECONNECT_WAIT),
                s.getDuration(HybridDriverOptions.MAX_RECONNECT_WAIT, HybridDriverOptions.DEFAULT_MAX_RECONNECT_WAIT));
    }

    public static JetStreamOptions jetStreamOptions(DriverSettings s) {
        return new JetStreamOptions(
                s.get(JetStreamOptions.URL).orElse(null),
                s.get(JetStreamOptions.SUBJECT_PREFIX).orElse(null),
                s.get(JetStreamOptions.STREAM_MODE).map(JetStreamOptions.StreamMode::parse).orElse(null),
                s.get(JetStreamOptions.STREAM_PREFIX).orElse(null),
                s.get(JetStreamOptions.STREAM_NAME).orElse(null),
                s.getDuration(JetStreamOptions.DUPLICATE_WINDOW, JetStreamOptions.DEFAULT_DUPLICATE_WINDOW),
                s.getDuration(JetStreamOptions.ACK_WAIT, JetStreamOptions.DEFAULT_ACK_WAIT),
                s.getInt(JetStreamOptions.MAX_ACK_PENDING, JetStreamOptions.DEFAULT_MAX_ACK_PENDING),
                s.get(JetStreamOptions.DEAD_LETTER_SUBJECT).orElse(null),
                s.get(JetStreamOptions.DEAD_LETTER_STREAM).orElse(null),
                s.getInt(JetStreamOptions.REPLICAS, 1));
    }
}
