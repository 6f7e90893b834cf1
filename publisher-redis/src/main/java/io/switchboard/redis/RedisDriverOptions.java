package io.switchboard.redis;

import io.lettuce.core.RedisURI;
import io.switchboard.SwitchboardException;
import io.switchboard.spi.DriverSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of a {@link RedisDriver}, validated at construction: every problem is reported at once, by property name.
 * {@code null} means the default for every object field. {@link #toString()} never shows the password.
 *
 * @param mode            {@code STREAMS} (at-least-once, default) or {@code PUBSUB} (at-most-once)
 * @param url             {@code redis://[user:password@]host:port[/db]} or {@code rediss://…} for TLS; when set,
 *                        {@code host} and {@code port} are ignored. Default: none (host and port are used)
 * @param host            default {@code localhost}
 * @param port            default 6379
 * @param username        the ACL user; default none ({@code default} user)
 * @param password        default none; overrides a password in {@code url}
 * @param tls             connect with TLS; default false ({@code rediss://} URLs always use TLS)
 * @param connectTimeout  default 5 s
 * @param commandTimeout  the longest wait for a reply; a publish then fails with {@code TIMEOUT}. Default 5 s
 * @param prefix          prepended to stream, channel and bookkeeping key names. Default {@code events:}
 * @param trim            how streams are trimmed on XADD; default {@link Trim#NONE}
 * @param trimMaxLength   with {@link Trim#MAXLEN}: the approximate number of entries each stream keeps
 * @param trimMaxAge      with {@link Trim#MINID}: the approximate age of the oldest entry each stream keeps
 * @param maxPayloadBytes the largest encoded event accepted; larger ones fail with {@code TOO_LARGE} before
 *                        sending. Default 1 MiB
 * @param blockTimeout    streams: how long one XREADGROUP blocks waiting for entries (also how often a pattern
 *                        subscription looks for new streams). Default 1 s
 * @param claimIdle       streams: how long an entry stays pending with a consumer that stopped extending it (a
 *                        crashed one) before another consumer of the group takes it over with XAUTOCLAIM. Default
 *                        30 s
 * @param readAhead       streams: how many entries one consumer may fetch beyond its handler concurrency, to be
 *                        handled as threads free up (their leases are extended while they wait). More means fewer
 *                        XREADGROUP calls per entry (each is an AOF write, so with {@code appendfsync always} an
 *                        fsync), but a consumer takes more of a burst before the other members of its group get
 *                        any. Default ({@code null}): as many as its concurrency
 */
public record RedisDriverOptions(Mode mode, String url, String host, int port, String username, String password,
        boolean tls, Duration connectTimeout, Duration commandTimeout, String prefix, Trim trim, long trimMaxLength,
        Duration trimMaxAge, int maxPayloadBytes, Duration blockTimeout, Duration claimIdle, Integer readAhead) {

    /** How events travel through Redis. */
    public enum Mode {
        /** One stream per event type, consumer groups, acknowledgement after the handler: at-least-once. */
        STREAMS,
        /** PUBLISH / (P)SUBSCRIBE: only connected subscribers get an event, at most once. */
        PUBSUB
    }

    /** The trimming policy applied by every XADD (streams mode). */
    public enum Trim {
        /** Streams are never trimmed by the driver: nothing, acknowledged or not, is removed. */
        NONE,
        /** {@code XADD … MAXLEN ~ n}: keep about {@code trimMaxLength} newest entries. */
        MAXLEN,
        /** {@code XADD … MINID ~ <now - trimMaxAge>}: keep about {@code trimMaxAge} of entries. */
        MINID
    }

    public static final String PREFIX = "event.redis";
    public static final String MODE = PREFIX + ".mode";
    public static final String URL = PREFIX + ".url";
    public static final String HOST = PREFIX + ".host";
    public static final String PORT = PREFIX + ".port";
    public static final String USERNAME = PREFIX + ".username";
    public static final String PASSWORD = PREFIX + ".password";
    public static final String TLS = PREFIX + ".tls";
    public static final String CONNECT_TIMEOUT = PREFIX + ".connect-timeout";
    public static final String COMMAND_TIMEOUT = PREFIX + ".command-timeout";
    public static final String KEY_PREFIX = PREFIX + ".prefix";
    public static final String TRIM = PREFIX + ".trim";
    public static final String TRIM_MAX_LENGTH = PREFIX + ".trim-max-length";
    public static final String TRIM_MAX_AGE = PREFIX + ".trim-max-age";
    public static final String MAX_PAYLOAD_BYTES = PREFIX + ".max-payload-bytes";
    public static final String BLOCK_TIMEOUT = PREFIX + ".block-timeout";
    public static final String CLAIM_IDLE = PREFIX + ".claim-idle";
    public static final String READ_AHEAD = PREFIX + ".read-ahead";

    /** The usual environment variables, used when the {@code event.redis.*} settings are absent. */
    public static final String ENV_URL = "REDIS_URL";
    public static final String ENV_HOST = "REDIS_HOST";
    public static final String ENV_PORT = "REDIS_PORT";
    public static final String ENV_PASSWORD = "REDIS_PASSWORD";

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 6379;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_PREFIX = "events:";
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CLAIM_IDLE = Duration.ofSeconds(30);
    /** The largest {@code read-ahead}: entries held ahead of handlers cost memory and lease extensions. */
    public static final int MAX_READ_AHEAD = 10_000;

    public RedisDriverOptions {
        mode = mode != null ? mode : Mode.STREAMS;
        url = blankToNull(url);
        host = host != null && !host.isBlank() ? host.trim() : DEFAULT_HOST;
        username = blankToNull(username);
        password = password == null || password.isEmpty() ? null : password;
        connectTimeout = connectTimeout != null ? connectTimeout : DEFAULT_CONNECT_TIMEOUT;
        commandTimeout = commandTimeout != null ? commandTimeout : DEFAULT_COMMAND_TIMEOUT;
        prefix = prefix != null ? prefix : DEFAULT_PREFIX;
        trim = trim != null ? trim : Trim.NONE;
        blockTimeout = blockTimeout != null ? blockTimeout : DEFAULT_BLOCK_TIMEOUT;
        claimIdle = claimIdle != null ? claimIdle : DEFAULT_CLAIM_IDLE;

        List<String> problems = new ArrayList<>();
        if (url != null) {
            if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                problems.add(URL + " must start with redis:// or rediss:// (e.g. redis://localhost:6379), got '"
                        + redactUrl(url) + "'");
            } else {
                try {
                    RedisURI.create(url);
                } catch (RuntimeException e) {
                    String why = String.valueOf(e.getMessage()).replace(url, redactUrl(url));
                    problems.add(URL + " is not a valid Redis URL ('" + redactUrl(url) + "')"
                            + (why.contains("@") ? "" : ": " + why));
                }
            }
        }
        if (username != null && password == null) {
            problems.add(USERNAME + " is set without a password: set " + PASSWORD + " (or " + ENV_PASSWORD + ") too");
        }
        if (port < 1 || port > 65535) {
            problems.add(PORT + " must be 1-65535, got " + port);
        }
        positive(problems, CONNECT_TIMEOUT, connectTimeout);
        positive(problems, COMMAND_TIMEOUT, commandTimeout);
        positive(problems, BLOCK_TIMEOUT, blockTimeout);
        positive(problems, CLAIM_IDLE, claimIdle);
        if (prefix.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            problems.add(KEY_PREFIX + " must not contain spaces or control characters, got '" + prefix + "'");
        }
        if (trim == Trim.MAXLEN && trimMaxLength < 1) {
            problems.add(TRIM_MAX_LENGTH + " must be >= 1 with " + TRIM + "=maxlen, got " + trimMaxLength);
        }
        if (trim == Trim.MINID && (trimMaxAge == null || trimMaxAge.isZero() || trimMaxAge.isNegative())) {
            problems.add(TRIM_MAX_AGE + " must be a positive duration with " + TRIM + "=minid, got " + trimMaxAge);
        }
        if (maxPayloadBytes < 1) {
            problems.add(MAX_PAYLOAD_BYTES + " must be >= 1, got " + maxPayloadBytes);
        }
        if (readAhead != null && (readAhead < 0 || readAhead > MAX_READ_AHEAD)) {
            problems.add(READ_AHEAD + " must be 0-" + MAX_READ_AHEAD + ", got " + readAhead);
        }
        if (!problems.isEmpty()) {
            throw SwitchboardException.configuration("Invalid Redis driver options: " + String.join("; ", problems));
        }
    }

    /** Streams mode on {@code localhost:6379}, everything else default. */
    public static RedisDriverOptions defaults() {
        return new RedisDriverOptions(null, null, null, DEFAULT_PORT, null, null, false, null, null, null, null, 0,
                null, DEFAULT_MAX_PAYLOAD_BYTES, null, null, null);
    }

    /** The defaults, connecting to {@code url}. */
    public static RedisDriverOptions forUrl(String url) {
        return defaults().withUrl(url);
    }

    /**
     * The options {@code settings} describe: {@code event.redis.*}, falling back to {@code REDIS_URL},
     * {@code REDIS_HOST}, {@code REDIS_PORT} and {@code REDIS_PASSWORD}.
     */
    public static RedisDriverOptions fromSettings(DriverSettings settings) {
        List<String> problems = new ArrayList<>();
        Mode mode = parseEnum(problems, MODE, settings.get(MODE).orElse(null), Mode.class, Mode.STREAMS);
        Trim trim = parseEnum(problems, TRIM, settings.get(TRIM).orElse(null), Trim.class, Trim.NONE);
        int port = DEFAULT_PORT;
        long maxLength = 0;
        int maxPayload = DEFAULT_MAX_PAYLOAD_BYTES;
        Duration connect = null;
        Duration command = null;
        Duration maxAge = null;
        Duration block = null;
        Duration claim = null;
        Integer readAhead = null;
        try {
            String p = settings.get(PORT).or(() -> settings.get(ENV_PORT)).orElse(null);
            port = p == null ? DEFAULT_PORT : Integer.parseInt(p);
        } catch (NumberFormatException e) {
            problems.add(PORT + " (or " + ENV_PORT + ") must be a whole number, got '"
                    + settings.get(PORT).or(() -> settings.get(ENV_PORT)).orElse("") + "'");
        }
        try {
            maxLength = settings.get(TRIM_MAX_LENGTH).map(Long::parseLong).orElse(0L);
        } catch (NumberFormatException e) {
            problems.add(TRIM_MAX_LENGTH + " must be a whole number, got '" + settings.get(TRIM_MAX_LENGTH).get()
                    + "'");
        }
        try {
            maxPayload = settings.getInt(MAX_PAYLOAD_BYTES, DEFAULT_MAX_PAYLOAD_BYTES);
        } catch (SwitchboardException e) {
            problems.add(e.getMessage());
        }
        try {
            connect = settings.getDuration(CONNECT_TIMEOUT, null);
        } catch (SwitchboardException e) {
            problems.add(e.getMessage());
        }
        try {
            command = settings.getDuration(COMMAND_TIMEOUT, null);
        } catch (SwitchboardException e) {
            problems.add(e.getMessage());
        }
        try {
            maxAge = settings.getDuration(TRIM_MAX_AGE, null);
        } catch (SwitchboardException e) {
            problems.add(e.getMessage());
        }
        try {
            block = settings.getDuration(BLOCK_TIMEOUT, null);
        } catch (SwitchboardException e) {
            problems.add(e.getMessage());
        }
        try {
            claim = settings.getDuration(CLAIM_IDLE, null);
        } catch (SwitchboardException e) {
            problems.add(e.getMessage());
        }
        try {
            readAhead = settings.get(READ_AHEAD).map(Integer::valueOf).orElse(null);
        } catch (NumberFormatException e) {
            problems.add(READ_AHEAD + " must be a whole number, got '" + settings.get(READ_AHEAD).get() + "'");
        }
        String tls = settings.get(TLS, "false").toLowerCase(Locale.ROOT);
        if (!tls.equals("true") && !tls.equals("false")) {
            problems.add(TLS + " must be true or false, got '" + tls + "'");
        }
        if (!problems.isEmpty()) {
            throw SwitchboardException.configuration("Invalid Redis driver options: " + String.join("; ", problems));
        }
        return new RedisDriverOptions(mode, settings.get(URL).or(() -> settings.get(ENV_URL)).orElse(null),
                settings.get(HOST).or(() -> settings.get(ENV_HOST)).orElse(null), port,
                settings.get(USERNAME).orElse(null),
                settings.get(PASSWORD).or(() -> settings.get(ENV_PASSWORD)).orElse(null),
                tls.equals("true"), connect, command, settings.get(KEY_PREFIX).orElse(null), trim, maxLength, maxAge,
                maxPayload, block, claim, readAhead);
    }

    /** The lettuce URI these options describe (URL or host/port, credentials, TLS, timeouts). */
    public RedisURI toRedisUri() {
        RedisURI uri = url != null ? RedisURI.create(url) : RedisURI.Builder.redis(host, port).build();
        if (password != null) { // overrides credentials in the URL; without a username, the default user
            if (username != null) {
                uri.setAuthentication(username, password.toCharArray());
            } else {
                uri.setAuthentication(password.toCharArray());
            }
        }
        if (tls) {
            uri.setSsl(true);
        }
        uri.setTimeout(commandTimeout);
        return uri;
    }

    /** Where the driver connects, without credentials, for messages and logs. */
    public String endpoint() {
        if (url != null) {
            RedisURI uri = RedisURI.create(url);
            return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
        }
        return (tls ? "rediss://" : "redis://") + host + ":" + port;
    }

    public RedisDriverOptions withMode(Mode mode) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withUrl(String url) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withHost(String host, int port) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withCredentials(String username, String password) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withTls(boolean tls) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withTimeouts(Duration connectTimeout, Duration commandTimeout) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withPrefix(String prefix) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    /** {@code trim} with its bound: {@code maxLength} for MAXLEN, {@code maxAge} for MINID (the other is ignored). */
    public RedisDriverOptions withTrim(Trim trim, long maxLength, Duration maxAge) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, maxLength, maxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withMaxPayloadBytes(int maxPayloadBytes) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    /** See {@link #readAhead()}; {@code null} for the default. */
    public RedisDriverOptions withReadAhead(Integer readAhead) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    public RedisDriverOptions withConsumerTimings(Duration blockTimeout, Duration claimIdle) {
        return new RedisDriverOptions(mode, url, host, port, username, password, tls, connectTimeout, commandTimeout,
                prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes, blockTimeout, claimIdle, readAhead);
    }

    @Override
    public String toString() {
        return "RedisDriverOptions[mode=" + mode + ", endpoint=" + (url != null ? redactUrl(url) : host + ":" + port)
                + ", username=" + username + ", password=" + (password == null ? "none" : "****") + ", tls=" + tls
                + ", connectTimeout=" + connectTimeout + ", commandTimeout=" + commandTimeout + ", prefix=" + prefix
                + ", trim=" + trim + (trim == Trim.MAXLEN ? " " + trimMaxLength : "")
                + (trim == Trim.MINID ? " " + trimMaxAge : "") + ", maxPayloadBytes=" + maxPayloadBytes
                + ", blockTimeout=" + blockTimeout + ", claimIdle=" + claimIdle
                + ", readAhead=" + (readAhead == null ? "concurrency" : readAhead) + "]";
    }

    /** {@code url} with any {@code user:password@} part replaced by {@code ****@}. */
    static String redactUrl(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        return url.substring(0, scheme + 3) + "****" + url.substring(at);
    }

    private static void positive(List<String> problems, String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            problems.add(name + " must be a positive duration, got " + value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static <E extends Enum<E>> E parseEnum(List<String> problems, String name, String value, Class<E> type,
            E defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> valid = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                valid.add(constant.name().toLowerCase(Locale.ROOT));
            }
            problems.add(name + " must be one of " + valid + ", got '" + value + "'");
            return defaultValue;
        }
    }
}
