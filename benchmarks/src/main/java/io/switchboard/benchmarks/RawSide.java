package io.switchboard.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The raw client of a fixture, publishing payloads of the same size as Switchboard's envelopes. */
final class RawSide implements Side {

    private final RawClient client;
    private final Payloads payloads;

    RawSide(RawClient client, Payloads payloads) {
        this.client = client;
        this.payloads = payloads;
    }

    @Override
    public void startConsumer(DeliverySink sink) throws Exception {
        client.subscribe(bytes -> sink.delivered(Payloads.seqOf(bytes)));
    }

    @Override
    public CompletableFuture<?> publish(long seq) {
        return client.publish(payloads.raw(seq));
    }

    @Override
    public CompletableFuture<?> publishBatch(long firstSeq, int count) {
        List<byte[]> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batch.add(payloads.raw(firstSeq + i));
        }
        return client.publishBatch(batch);
    }

    @Override
    public void close() {
        client.close();
    }
}
