package io.switchboard.inmemory.autoconfigure;

import io.switchboard.inmemory.InMemoryOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the in-memory driver, under {@code event.in-memory}. The initial values are literals, equal to
 * {@link InMemoryOptions#defaults()}, so that the generated configuration metadata shows them.
 */
@ConfigurationProperties(InMemoryOptions.PREFIX)
public class InMemoryProperties {

    /**
     * The most events one consumer group (or broadcast subscription) holds, from publish until acknowledged or
     * dead-lettered. Publishing into a full group blocks.
     */
    private int bufferSize = 10_000;

    /** How long a publish waits for space in a full group before failing with UNAVAILABLE; 0 fails at once. */
    private Duration blockTimeout = Duration.ofSeconds(10);

    /** The largest encoded event accepted, in bytes. */
    private int maxPayloadBytes = 1_048_576;

    public int getBufferSize() {
        return bufferSize;
    }

    public void setBufferSize(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    public Duration getBlockTimeout() {
        return blockTimeout;
    }

    public void setBlockTimeout(Duration blockTimeout) {
        this.blockTimeout = blockTimeout;
    }

    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    public void setMaxPayloadBytes(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** The driver options these settings describe; invalid values fail here, each named. */
    public InMemoryOptions toOptions() {
        return new InMemoryOptions(bufferSize, blockTimeout, maxPayloadBytes, null, null);
    }
}
