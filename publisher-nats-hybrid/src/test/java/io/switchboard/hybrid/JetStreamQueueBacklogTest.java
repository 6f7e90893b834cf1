package io.switchboard.hybrid;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Event;
import io.switchboard.Switchboard;
import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One group (4 handlers, trivial handler) consumes a backlog of the JetStream queue leg through a fault proxy, as in
 * the kit's K4: {@code EVENTS} events are published unthrottled while the group consumes; every one is handled. The
 * rates are printed for whoever works on the pulls; speed is judged by the benchmarks, not here.
 */
class JetStreamQueueBacklogTest {

    private static final int EVENTS = 5_000;
    private static NatsServer nats;
    private static FaultProxy proxy;

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
        proxy = FaultProxy.to(nats);
    }

    @AfterAll
    static void stopBroker() {
        proxy.close();
        nats.close();
    }

    @Test
    void aGroupConsumesTheWholeBacklogThroughTheProxy() {
        String url = proxy.endpoint("nats");
        HybridDriver driver = HybridDriver.withJetStream(HybridDriverOptions.of(url),
                JetStreamOptions.defaults().withUrl(url).withStreamPrefix("RATE_"));
        Switchboard board = Switchboard.builder(driver).concurrency(4).build();
        try {
            AtomicInteger handled = new AtomicInteger();
            board.subscribe("rate", "orders.placed", Map.class, e -> handled.incrementAndGet());
            long start = System.nanoTime();
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                sends.add(board.publish(Event.of("orders.placed", Map.of("n", i))));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            long published = System.nanoTime();
            long deadline = published + Duration.ofSeconds(60).toNanos();
            while (handled.get() < EVENTS && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            long done = System.nanoTime();
            double publishRate = EVENTS / ((published - start) / 1e9);
            double consumeRate = handled.get() / ((done - start) / 1e9);
            System.out.printf("JetStream leg: published %d in %d ms (%.0f events/s); handled %d in %d ms "
                    + "(%.0f events/s)%n", EVENTS, (published - start) / 1_000_000, publishRate, handled.get(),
                    (done - start) / 1_000_000, consumeRate);
            assertThat(handled.get()).as("events handled within 60 s of the last publish").isEqualTo(EVENTS);
        } finally {
            board.close();
        }
    }
}
