package io.switchboard.hybrid;

import io.switchboard.DriverSelection;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.EventDriverProvider;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
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
        return new HybridDriver(options, queueLeg(queue, settings, HybridDriverProvider.class.getClassLoader()));
    }

    /** The queue leg {@code queue} built by its registered provider; Redis is forced to (and checked for) streams. */
    public static EventDriver queueLeg(String queue, DriverSettings settings, ClassLoader classLoader) {
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
        return provider.create(legSettings);
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
