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
        boolean binary = client.handsOverObjects();
        client.subscribe(bytes -> sink.delivered(binary ? Payloads.seqOfBinary(bytes) : Payloads.seqOfJson(bytes)));
    }

    @Override
    public CompletableFuture<?> publish(long seq) {
        return client.publish(payload(seq));
    }

    @Override
    public CompletableFuture<?> publishBatch(long firstSeq, int count) {
        List<byte[]> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batch.add(payload(firstSeq + i));
        }
        return client.publishBatch(batch);
    }

    private byte[] payload(long seq) {
        return client.handsOverObjects() ? payloads.binary(seq) : payloads.json(seq);
    }

    @Override
    public void close() {
        client.close();
    }
}
