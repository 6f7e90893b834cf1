package io.switchboard.redis.autoconfigure;

import io.switchboard.redis.RedisDriverOptions;
import io.switchboard.redis.RedisDriverOptions.Mode;
import io.switchboard.redis.RedisDriverOptions.Trim;
import java.time.Duration;
import java.util.function.Function;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Redis driver, under {@code event.redis}. Where the endpoint is not set here, the usual variables
 * {@code REDIS_URL}, {@code REDIS_HOST}, {@code REDIS_PORT} and {@code REDIS_PASSWORD} are used. The initial values
 * are the defaults of {@link RedisDriverOptions}, written as literals so the configuration metadata shows them.
 */
@ConfigurationProperties(RedisDriverOptions.PREFIX)
public class RedisDriverProperties {

    /** streams (at-least-once, consumer groups) or pubsub (at-most-once, only connected subscribers). */
    private Mode mode = Mode.STREAMS;

    /** redis://[user:password@]host:port[/db], or rediss:// for TLS. Default: REDIS_URL; overrides host and port. */
    private String url;

    /** Default: REDIS_HOST, else localhost. */
    private String host;

    /** Default: REDIS_PORT, else 6379. */
    private Integer port;

    /** The ACL user (needs a password). */
    private String username;

    /** Default: REDIS_PASSWORD. Never logged. */
    private String password;

    /** Connect with TLS. */
    private boolean tls;

    /** How long connecting may take. */
    private Duration connectTimeout = Duration.ofSeconds(5);

    /** The longest wait for a reply from Redis; a publish not answered by then fails with TIMEOUT. */
    private Duration commandTimeout = Duration.ofSeconds(5);

    /** Prepended to stream, channel and bookkeeping key names. */
    private String prefix = "events:";

    /** Stream trimming on every XADD: none (default: nothing is ever trimmed), maxlen or minid. */
    private Trim trim = Trim.NONE;

    /** With trim=maxlen: about how many entries each stream keeps. */
    private long trimMaxLength;

    /** With trim=minid: about how old the oldest entry each stream keeps may be. */
    private Duration trimMaxAge;

    /** The largest encoded event accepted, in bytes; larger ones fail with TOO_LARGE before sending. */
    private int maxPayloadBytes = 1_048_576;

    /** Streams: how long one XREADGROUP blocks; also how soon a pattern subscription notices a new stream. */
    private Duration blockTimeout = Duration.ofSeconds(1);

    /**
     * Streams: how long an entry stays pending with a consumer that stopped extending it (crashed) before another
     * consumer of the group takes it over (XAUTOCLAIM).
     */
    private Duration claimIdle = Duration.ofSeconds(30);

    /**
     * Streams: how many entries one consumer may fetch beyond its handler concurrency. More means fewer reads per
     * entry (with appendfsync always, fewer fsyncs); less spreads a burst more evenly over a group's members.
     * Default: as many as the consumer's concurrency.
     */
    private Integer readAhead;

    /** The driver options these settings describe, with {@code environment} supplying the REDIS_* defaults. */
    public RedisDriverOptions toOptions(Function<String, String> environment) {
        String effectiveUrl = url != null ? url : environment.apply(RedisDriverOptions.ENV_URL);
        String effectiveHost = host != null ? host : environment.apply(RedisDriverOptions.ENV_HOST);
        int effectivePort = port != null ? port : parsePort(environment.apply(RedisDriverOptions.ENV_PORT));
        String effectivePassword = password != null ? password : environment.apply(RedisDriverOptions.ENV_PASSWORD);
        return new RedisDriverOptions(mode, effectiveUrl, effectiveHost, effectivePort, username, effectivePassword,
                tls, connectTimeout, commandTimeout, prefix, trim, trimMaxLength, trimMaxAge, maxPayloadBytes,
                blockTimeout, claimIdle, readAhead);
    }

    private static int parsePort(String value) {
        if (value == null || value.isBlank()) {
            return RedisDriverOptions.DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1; // reported by the options' validation, naming the property
        }
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public boolean isTls() {
        return tls;
    }

    public void setTls(boolean tls) {
        this.tls = tls;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public Trim getTrim() {
        return trim;
    }

    public void setTrim(Trim trim) {
        this.trim = trim;
    }

    public long getTrimMaxLength() {
        return trimMaxLength;
    }

    public void setTrimMaxLength(long trimMaxLength) {
        this.trimMaxLength = trimMaxLength;
    }

    public Duration getTrimMaxAge() {
        return trimMaxAge;
    }

    public void setTrimMaxAge(Duration trimMaxAge) {
        this.trimMaxAge = trimMaxAge;
    }

    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    public void setMaxPayloadBytes(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public Duration getBlockTimeout() {
        return blockTimeout;
    }

    public void setBlockTimeout(Duration blockTimeout) {
        this.blockTimeout = blockTimeout;
    }

    public Duration getClaimIdle() {
        return claimIdle;
    }

    public void setClaimIdle(Duration claimIdle) {
        this.claimIdle = claimIdle;
    }

    public Integer getReadAhead() {
        return readAhead;
    }

    public void setReadAhead(Integer readAhead) {
        this.readAhead = readAhead;
    }

    @Override
    public String toString() {
        return "RedisDriverProperties[mode=" + mode + ", url=" + (url == null ? null : "(set)") + ", host=" + host
                + ", port=" + port + ", username=" + username + ", password=" + (password == null ? "none" : "****")
                + ", prefix=" + prefix + ", trim=" + trim + "]";
    }
}
