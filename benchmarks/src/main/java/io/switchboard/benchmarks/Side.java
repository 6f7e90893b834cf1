package io.switchboard.benchmarks;

import java.util.concurrent.CompletableFuture;

/**
 * One of the two contestants of a phase, Switchboard or the raw client, reduced to what the measurements need:
 * publish numbered events, and report each delivered number. Delivery callbacks come from the consumer's threads.
 */
interface Side extends AutoCloseable {

    /** Starts the consumer; every delivered event's sequence number is passed to {@code sink}. */
    void startConsumer(DeliverySink sink) throws Exception;

    CompletableFuture<?> publish(long seq);

    /** Publishes {@code count} events numbered from {@code firstSeq} as one batch. */
    CompletableFuture<?> publishBatch(long firstSeq, int count);

    @Override
    void close();

    /** Receives delivered sequence numbers. */
    interface DeliverySink {
        void delivered(long seq);
    }
}
