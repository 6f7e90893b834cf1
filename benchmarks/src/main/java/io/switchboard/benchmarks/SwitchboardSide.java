package io.switchboard.benchmarks;

import io.switchboard.Event;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.spi.DriverSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Switchboard in front of the fixture's driver, built from settings as an application would build it. */
final class SwitchboardSide implements Side {

    static final String GROUP = "bench";

    private final Switchboard switchboard;
    private final boolean broadcast;
    private final String type;
    private final Payloads payloads;
    private Subscription subscription;

    SwitchboardSide(Map<String, String> settings, boolean broadcast, String type, Payloads payloads) {
        this.switchboard = Switchboard.fromSettings(DriverSettings.of(settings));
        this.broadcast = broadcast;
        this.type = type;
        this.payloads = payloads;
    }

    @Override
    public void startConsumer(DeliverySink sink) {
        subscription = broadcast
                ? switchboard.broadcast(type, BenchData.class, e -> sink.delivered(e.data().seq()))
                : switchboard.subscribe(GROUP, type, BenchData.class, e -> sink.delivered(e.data().seq()));
    }

    @Override
    public CompletableFuture<?> publish(long seq) {
        return switchboard.publish(type, payloads.data(seq));
    }

    @Override
    public CompletableFuture<?> publishBatch(long firstSeq, int count) {
        List<Event<?>> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(Event.of(type, payloads.data(firstSeq + i)));
        }
        return switchboard.publishAll(events);
    }

    @Override
    public void close() {
        try {
            if (subscription != null) {
                subscription.close();
            }
        } finally {
            switchboard.close();
        }
    }
}
