package io.switchboard.hybrid;

import io.switchboard.EventPattern;
import io.switchboard.SwitchboardException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of a {@link HybridDriver}'s broadcast leg and routing, validated at construction: every problem is
 * reported at once, by property name. The queue leg has its own options (the Redis driver's, or
 * {@link JetStreamOptions}).
 *
 * @param natsUrl          the NATS server(s), comma-separated ({@code nats://host:4222}, {@code tls://...}); default
 *                         env {@code NATS_URL}, else {@code nats://127.0.0.1:4222}
 * @param subjectPrefix    put before the event type to form the broadcast subject ({@code ""}: subject = type)
 * @param realTime         the types also broadcast on NATS ({@code security.>}, {@code alerts.*.triggered})
 * @param liveGroups       group names whose subscriptions read the broadcast leg with a NATS queue group
 *                         (load-balanced live consumers, at-most-once) instead of the queue leg
 * @param startup          what happens when a broker is unreachable at start-up
 * @param security         authentication and TLS for NATS
 * @param connectTimeout   how long one connection attempt may take
 * @param reconnectWait    the first wait between reconnection attempts; it doubles up to {@code maxReconnectWait}
 * @param maxReconnectWait the longest wait between reconnection attempts
 */
public record HybridDriverOptions(String natsUrl, String subjectPrefix, List<EventPattern> realTime,
        Set<String> liveGroups, Startup startup, NatsSecurity security, Duration connectTimeout,
        Duration reconnectWait, Duration maxReconnectWait) {

    public static final String PREFIX = "event.hybrid";
    public static final String NATS_URL = PREFIX + ".nats.url";
    public static final String SUBJECT_PREFIX = PREFIX + ".nats.subject-prefix";
    public static final String QUEUE = PREFIX + ".queue";
    public static final String REALTIME = PREFIX + ".realtime";
    public static final String LIVE_GROUPS = PREFIX + ".live-groups";
    public static final String STARTUP = PREFIX + ".startup";
    public static final String NATS_TOKEN = PREFIX + ".nats.token";
    public static final String NATS_USERNAME = PREFIX + ".nats.username";
    public static final String NATS_PASSWORD = PREFIX + ".nats.password";
    public static final String NATS_CREDENTIALS_FILE = PREFIX + ".nats.credentials-file";
    public static final String NATS_TLS = PREFIX + ".nats.tls.enabled";
    public static final String NATS_TRUSTSTORE = PREFIX + ".nats.tls.truststore";
    public static final String NATS_TRUSTSTORE_PASSWORD = PREFIX + ".nats.tls.truststore-password";
    public static final String NATS_KEYSTORE = PREFIX + ".nats.tls.keystore";
    public static final String NATS_KEYSTORE_PASSWORD = PREFIX + ".nats.tls.keystore-password";
    public static final String CONNECT_TIMEOUT = PREFIX + ".nats.connect-timeout";
    public static final String RECONNECT_WAIT = PREFIX + ".nats.reconnect-wait";
    public static final String MAX_RECONNECT_WAIT = PREFIX + ".nats.max-reconnect-wait";

    /** The queue leg used when {@code event.hybrid.queue} is unset. */
    public static final String DEFAULT_QUEUE = "redis";
    public static final String JETSTREAM_QUEUE = "jetstream";
    public static final String DEFAULT_NATS_URL = "nats://127.0.0.1:4222";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofMillis(250);
    public static final Duration DEFAULT_MAX_RECONNECT_WAIT = Duration.ofSeconds(5);

    private static final Pattern SUBJECT_PREFIX_RULE = Pattern.compile("([A-Za-z0-9_-]+\\.)*[A-Za-z0-9_-]+");
    private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss");

    /** What a driver does when a broker is unreachable at start-up. */
    public enum Startup {
        /** Construction fails with {@code UNAVAILABLE} (the default: a misconfiguration shows at once). */
        FAIL_FAST,
        /** Construction succeeds; the driver reconnects in the background and health shows the leg DOWN. */
        DEGRADED;

        /** Parses {@code fail-fast} or {@code degraded}. */
        public static Startup parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "fail-fast", "fail_fast", "failfast" -> FAIL_FAST;
                case "degraded" -> DEGRADED;
                default -> throw SwitchboardException.configuration(STARTUP + " must be fail-fast or degraded, got '"
                        + value + "'");
            };
        }
    }

    public HybridDriverOptions {
        natsUrl = natsUrl == null || natsUrl.isBlank() ? DEFAULT_NATS_URL : natsUrl.trim();
        subjectPrefix = subjectPrefix == null ? "" : subjectPrefix.trim();
        realTime = realTime == null ? List.of() : List.copyOf(realTime);
        liveGroups = liveGroups == null ? Set.of() : Set.copyOf(liveGroups);
        startup = startup == null ? Startup.FAIL_FAST : startup;
        security = security == null ? NatsSecurity.NONE : security;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        reconnectWait = reconnectWait == null ? DEFAULT_RECONNECT_WAIT : reconnectWait;
        maxReconnectWait = maxReconnectWait == null ? DEFAULT_MAX_RECONNECT_WAIT : maxReconnectWait;
        List<String> problems = new ArrayList<>();
        for (String url : natsUrl.split(",")) {
            String problem = urlProblem(url.trim());
            if (problem != null) {
                problems.add(NATS_URL + " " + problem);
            }
        }
        if (!subjectPrefix.isEmpty() && !SUBJECT_PREFIX_RULE.matcher(subjectPrefix).matches()) {
            problems.add(SUBJECT_PREFIX + " must be dot-separated words of letters, digits, '-' or '_' without "
                    + "wildcards (e.g. 'events'), got '" + subjectPrefix + "'");
        }
        for (String group : liveGroups) {
            if (group == null || group.isBlank() || group.contains(" ")) {
                problems.add(LIVE_GROUPS + " holds an invalid group name '" + group + "'");
            }
        }
        positive(problems, connectTimeout, CONNECT_TIMEOUT);
        positive(problems, reconnectWait, RECONNECT_WAIT);
        positive(problems, maxReconnectWait, MAX_RECONNECT_WAIT);
        if (maxReconnectWait.compareTo(reconnectWait) < 0) {
            problems.add(MAX_RECONNECT_WAIT + " (" + maxReconnectWait + ") must be >= " + RECONNECT_WAIT + " ("
                    + reconnectWait + ")");
        }
        security.validate(PREFIX + ".nats", problems);
        if (!problems.isEmpty()) {
            throw SwitchboardException.configuration("Invalid hybrid driver options: " + String.join("; ", problems));
        }
    }

    /** The given server, no real-time types, fail-fast start-up, no authentication. */
    public static HybridDriverOptions of(String natsUrl) {
        return new HybridDriverOptions(natsUrl, "", List.of(), Set.of(), Startup.FAIL_FAST, NatsSecurity.NONE,
                null, null, null);
    }

    /** Parses a comma-separated list of patterns ({@code security.>,alerts.*.triggered}), naming the setting. */
    public static List<EventPattern> parsePatterns(String value) {
        List<EventPattern> patterns = new ArrayList<>();
        if (value == null) {
            return patterns;
        }
        for (String p : value.split(",")) {
            if (p.isBlank()) {
                continue;
            }
            try {
                patterns.add(EventPattern.of(p.trim()));
            } catch (SwitchboardException e) {
                throw SwitchboardException.configuration(REALTIME + " holds an invalid pattern '" + p.trim() + "': "
                        + e.getMessage());
            }
        }
        return patterns;
    }

    public HybridDriverOptions withRealTime(List<EventPattern> patterns) {
        return new HybridDriverOptions(natsUrl, subjectPrefix, patterns, liveGroups, startup, security,
                connectTimeout, reconnectWait, maxReconnectWait);
    }

    public HybridDriverOptions withRealTime(String... patterns) {
        return withRealTime(parsePatterns(String.join(",", patterns)));
    }

    public HybridDriverOptions withSubjectPrefix(String prefix) {
        return new HybridDriverOptions(natsUrl, prefix, realTime, liveGroups, startup, security, connectTimeout,
                reconnectWait, maxReconnectWait);
    }

    public HybridDriverOptions withLiveGroups(Set<String> groups) {
        return new HybridDriverOptions(natsUrl, subjectPrefix, realTime, groups, startup, security, connectTimeout,
                reconnectWait, maxReconnectWait);
    }

    public HybridDriverOptions withStartup(Startup startup) {
        return new HybridDriverOptions(natsUrl, subjectPrefix, realTime, liveGroups, startup, security,
                connectTimeout, reconnectWait, maxReconnectWait);
    }

    public HybridDriverOptions withSecurity(NatsSecurity security) {
        return new HybridDriverOptions(natsUrl, subjectPrefix, realTime, liveGroups, startup, security,
                connectTimeout, reconnectWait, maxReconnectWait);
    }

    public HybridDriverOptions withReconnect(Duration wait, Duration maxWait) {
        return new HybridDriverOptions(natsUrl, subjectPrefix, realTime, liveGroups, startup, security,
                connectTimeout, wait, maxWait);
    }

    /** The broadcast subject of {@code type} (or of a pattern: the syntax is NATS's). */
    public String subject(String typeOrPattern) {
        return subjectPrefix.isEmpty() ? typeOrPattern : subjectPrefix + "." + typeOrPattern;
    }

    /** The URL without user info (which may hold a secret), for logs. */
    public String redactedUrl() {
        return redact(natsUrl);
    }

    /** {@code urls} without user info (which may hold a secret). */
    public static String redact(String urls) {
        return urls.replaceAll("//[^/@,]*@", "//***@");
    }

    @Override
    public String toString() {
        return "HybridDriverOptions[natsUrl=" + redactedUrl() + ", subjectPrefix=" + subjectPrefix + ", realTime="
                + realTime + ", liveGroups=" + liveGroups + ", startup=" + startup + ", " + security.describe() + "]";
    }

    private static String urlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                return "must use nats://, tls://, ws:// or wss:// (e.g. nats://127.0.0.1:4222), got '"
                        + redact(url) + "'";
            }
            if (uri.getHost() == null) {
                return "has no host: '" + redact(url) + "'";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a URL: '" + redact(url) + "'";
        }
    }

    private static void positive(List<String> problems, Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            problems.add(name + " must be > 0, got " + d);
        }
    }
}
