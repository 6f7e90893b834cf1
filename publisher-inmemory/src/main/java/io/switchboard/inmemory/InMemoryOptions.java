package io.switchboard.inmemory;

import io.switchboard.SwitchboardException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of an {@link InMemoryDriver}, validated at construction: every problem is reported at once, by setting
 * name. {@code null} for the clock, the fault hook or the block timeout means the default.
 *
 * @param bufferSize      the most events one group (or broadcast subscription) holds, from enqueue until
 *                        acknowledged or dead-lettered; publishing into a full group blocks. Default 10,000
 * @param blockTimeout    how long a publish waits for space in a full group before failing with
 *                        {@code UNAVAILABLE}; zero fails at once. Default 10 s
 * @param maxPayloadBytes the largest encoded event accepted. Default 1 MiB
 * @param clock           the time for retry back-off and delayed faults; a {@link ManualClock} makes them wait for
 *                        {@link ManualClock#advance}. Default: system UTC
 * @param faultHook       simulated faults for tests. Default {@link FaultHook#NONE}
 */
public record InMemoryOptions(int bufferSize, Duration blockTimeout, int maxPayloadBytes, Clock clock,
        FaultHook faultHook) {

    public static final String PREFIX = "event.in-memory";
    public static final String BUFFER_SIZE = PREFIX + ".buffer-size";
    public static final String BLOCK_TIMEOUT = PREFIX + ".block-timeout";
    public static final String MAX_PAYLOAD_BYTES = PREFIX + ".max-payload-bytes";

    public static final int DEFAULT_BUFFER_SIZE = 10_000;
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

    public InMemoryOptions {
        blockTimeout = blockTimeout != null ? blockTimeout : DEFAULT_BLOCK_TIMEOUT;
        clock = clock != null ? clock : Clock.systemUTC();
        faultHook = faultHook != null ? faultHook : FaultHook.NONE;
        List<String> problems = new ArrayList<>();
        if (bufferSize < 1) {
            problems.add(BUFFER_SIZE + " must be >= 1, got " + bufferSize);
        }
        if (blockTimeout.isNegative()) {
            problems.add(BLOCK_TIMEOUT + " must be >= 0, got " + blockTimeout);
        }
        if (maxPayloadBytes < 1) {
            problems.add(MAX_PAYLOAD_BYTES + " must be >= 1, got " + maxPayloadBytes);
        }
        if (!problems.isEmpty()) {
            throw SwitchboardException.configuration("Invalid in-memory driver options: "
                    + String.join("; ", problems));
        }
    }

    public static InMemoryOptions defaults() {
        return new InMemoryOptions(DEFAULT_BUFFER_SIZE, DEFAULT_BLOCK_TIMEOUT, DEFAULT_MAX_PAYLOAD_BYTES, null, null);
    }

    public InMemoryOptions withBufferSize(int bufferSize) {
        return new InMemoryOptions(bufferSize, blockTimeout, maxPayloadBytes, clock, faultHook);
    }

    public InMemoryOptions withBlockTimeout(Duration blockTimeout) {
        return new InMemoryOptions(bufferSize, blockTimeout, maxPayloadBytes, clock, faultHook);
    }

    public InMemoryOptions withMaxPayloadBytes(int maxPayloadBytes) {
        return new InMemoryOptions(bufferSize, blockTimeout, maxPayloadBytes, clock, faultHook);
    }

    public InMemoryOptions withClock(Clock clock) {
        return new InMemoryOptions(bufferSize, blockTimeout, maxPayloadBytes, clock, faultHook);
    }

    public InMemoryOptions withFaultHook(FaultHook faultHook) {
        return new InMemoryOptions(bufferSize, blockTimeout, maxPayloadBytes, clock, faultHook);
    }
}
