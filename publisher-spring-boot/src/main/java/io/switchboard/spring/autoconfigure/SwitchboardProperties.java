package io.switchboard.spring.autoconfigure;

import io.switchboard.DriverSelection;
import io.switchboard.IdempotencyKey;
import io.switchboard.RetryPolicy;
import io.switchboard.Switchboard;
import io.switchboard.idempotency.InMemoryIdempotencyStore;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings shared by every driver, under {@code event.*}. Each driver has its own under {@code event.<driver>.*}. */
@ConfigurationProperties("event")
public class SwitchboardProperties {

    /**
     * The driver: in-memory, kafka, sqs, redis or hybrid. The environment variable EVENT_DRIVER sets it.
     */
    private String driver = DriverSelection.DEFAULT;

    /** How long a publish may wait for the broker's acknowledgement before failing with TIMEOUT. */
    private Duration publishTimeout = Switchboard.DEFAULT_PUBLISH_TIMEOUT;

    /** How long shutdown waits for in-flight handlers before cancelling them (their events are redelivered). */
    private Duration drainTimeout = Switchboard.DEFAULT_DRAIN_TIMEOUT;

    /** Default concurrent handler calls per subscription. */
    private int concurrency = Switchboard.DEFAULT_CONCURRENCY;

    /** A payload limit in bytes below the driver's own; unset uses the driver's. */
    private Integer maxPayloadBytes;

    /** The 'source' written on events that have none; defaults to spring.application.name. */
    private String source;

    private final Retry retry = new Retry();

    private final Idempotency idempotency = new Idempotency();

    public String getDriver() {
        return driver;
    }

    public void setDriver(String driver) {
        this.driver = driver;
    }

    public Duration getPublishTimeout() {
        return publishTimeout;
    }

    public void setPublishTimeout(Duration publishTimeout) {
        this.publishTimeout = publishTimeout;
    }

    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public Integer getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    public void setMaxPayloadBytes(Integer maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public Retry getRetry() {
        return retry;
    }

    public Idempotency getIdempotency() {
        return idempotency;
    }

    /** Handler retries: attempts in all (the first delivery counts) and exponential back-off between them. */
    public static class Retry {

        /** Attempts in all before an event is dead-lettered. */
        private int maxAttempts = RetryPolicy.DEFAULT_MAX_ATTEMPTS;

        /** The wait after the first failed attempt. */
        private Duration initialDelay = RetryPolicy.DEFAULT_INITIAL_DELAY;

        /** The factor applied to the wait after each further failure. */
        private double multiplier = RetryPolicy.DEFAULT_MULTIPLIER;

        /** The longest wait between attempts. */
        private Duration maxDelay = RetryPolicy.DEFAULT_MAX_DELAY;

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialDelay() {
            return initialDelay;
        }

        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        RetryPolicy toPolicy() {
            return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, null);
        }
    }

    /** Consumer-side deduplication, per subscriber group. */
    public static class Idempotency {

        /** The key: event-id, natural-key (aggregateId:type:version) or none. */
        private IdempotencyKey key = IdempotencyKey.EVENT_ID;

        /** How long a handled key is remembered by the default in-memory store. */
        private Duration window = InMemoryIdempotencyStore.DEFAULT_WINDOW;

        /** The most keys the default in-memory store keeps. */
        private int maxEntries = InMemoryIdempotencyStore.DEFAULT_MAX_ENTRIES;

        public IdempotencyKey getKey() {
            return key;
        }

        public void setKey(IdempotencyKey key) {
            this.key = key;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public int getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
        }
    }
}
