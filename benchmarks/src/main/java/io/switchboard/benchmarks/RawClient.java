package io.switchboard.benchmarks;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The baseline: a broker's own client doing the same work as the driver (the same commands, acknowledgements and
 * durability), with payloads of the same size as Switchboard's encoded envelopes (see {@link Payloads}). One instance serves one
 * phase of one run, on one topic (stream, channel or subject).
 */
public interface RawClient extends AutoCloseable {

    /**
     * Whether payloads are handed over by reference in this process (Spring's events) rather than serialized:
     * then they are opaque arrays and nothing is (de)serialized; otherwise they are JSON of {@link BenchData}.
     */
    default boolean handsOverObjects() {
        return false;
    }

    /** Starts consuming the topic; called once, before the first publish. */
    void subscribe(Consumer<byte[]> onMessage) throws Exception;

    /** Publishes one payload; completes when the broker acknowledged it, as the driver's publish does. */
    CompletableFuture<?> publish(byte[] payload);

    /** Publishes a batch; by default each payload on its own, completing when all are acknowledged. */
    default CompletableFuture<?> publishBatch(List<byte[]> payloads) {
        return CompletableFuture.allOf(payloads.stream().map(this::publish).toArray(CompletableFuture[]::new));
    }

    @Override
    void close();
}
