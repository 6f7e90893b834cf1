package io.switchboard.tck.internal;

import io.switchboard.Capabilities;
import io.switchboard.Health;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.MessageHandler;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The fixture's driver with counters of what reached it, so scenarios can check that nothing was sent. */
public final class ObservedDriver implements EventDriver {

    private final EventDriver driver;
    private final AtomicInteger sends = new AtomicInteger();
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger subscribes = new AtomicInteger();

    ObservedDriver(EventDriver driver) {
        this.driver = driver;
    }

    /** The fixture's driver itself, for raw sends that bypass the publisher. */
    public EventDriver driver() {
        return driver;
    }

    /** Calls of {@link #send}. */
    public int sends() {
        return sends.get();
    }

    /** Calls of {@link #sendBatch}. */
    public int batches() {
        return batches.get();
    }

    public int subscribes() {
        return subscribes.get();
    }

    @Override
    public String name() {
        return driver.name();
    }

    @Override
    public Capabilities capabilities() {
        return driver.capabilities();
    }

    @Override
    public CompletableFuture<Void> send(OutboundMessage message) {
        sends.incrementAndGet();
        return driver.send(message);
    }

    @Override
    public CompletableFuture<Void> sendBatch(List<OutboundMessage> messages) {
        batches.incrementAndGet();
        return driver.sendBatch(messages);
    }

    @Override
    public DriverSubscription subscribe(ConsumerSpec spec, MessageHandler handler) {
        subscribes.incrementAndGet();
        return driver.subscribe(spec, handler);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return driver.unwrap(type);
    }

    @Override
    public List<Health> health() {
        return driver.health();
    }

    @Override
    public void flush(Duration timeout) {
        driver.flush(timeout);
    }

    @Override
    public void close(Duration drainTimeout) {
        driver.close(drainTimeout);
    }
}
