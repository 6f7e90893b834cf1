package io.switchboard.hybrid.internal;

import io.switchboard.DeadLetter;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Carries out the core's decisions for a subscription whose broker cannot redeliver (NATS core, an ephemeral
 * JetStream consumer): a release (a duplicate of an event in progress, come back later) is handed to the handler
 * again in this process after its delay; a dead letter goes to {@code deadLetters}. A retry after a handler failure
 * is redelivered the same way with {@code retries} (an ephemeral JetStream consumer of an at-least-once leg), and
 * dropped and counted without (NATS core, at-most-once: a failed delivery is never redelivered). What is pending
 * here is lost with the process.
 */
public final class LocalRedelivery {

    private static final System.Logger LOG = System.getLogger(LocalRedelivery.class.getName());

    private final String name;
    private final MessageHandler handler;
    private final HandlerPool pool;
    private final Consumer<DeadLetter> deadLetters;
    private final boolean retries;
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService timer;

    public LocalRedelivery(String name, MessageHandler handler, HandlerPool pool, Consumer<DeadLetter> deadLetters,
            boolean retries) {
        this.name = name;
        this.handler = handler;
        this.pool = pool;
        this.deadLetters = deadLetters;
        this.retries = retries;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-hybrid-redelivery-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Hands {@code message} to a handler thread (blocking while all are busy); false if closed. */
    public boolean deliver(InboundMessage message) {
        return pool.submit(() -> handle(message));
    }

    private void handle(InboundMessage message) {
        DeliveryOutcome outcome = handler.handle(message);
        if (!retries && outcome instanceof DeliveryOutcome.Retry) {
            long n = dropped.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "{0}: delivery of {1} failed and is not redelivered (at most once); "
                    + "{2} dropped so far", name, message.source(), n);
        } else if (outcome instanceof DeliveryOutcome.Retry retry) {
            later(new InboundMessage(message.payload(), message.source(), message.attempt() + 1,
                    retry.firstFailureAt(), message.brokerMessageId()), retry.delay());
        } else if (outcome instanceof DeliveryOutcome.Release release) {
            later(message, release.delay());
        } else if (outcome instanceof DeliveryOutcome.DeadLettered dead) {
            try {
                deadLetters.accept(dead.deadLetter());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: could not write a dead letter: {1}", name, e.toString());
            }
        }
    }

    private void later(InboundMessage message, Duration delay) {
        if (pool.isClosed()) {
            return; // closing: at-most-once, the message is dropped
        }
        try {
            timer.schedule(() -> deliver(message), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed meanwhile
        }
    }

    /** Deliveries that failed and were dropped because this subscription does not redeliver. */
    public long dropped() {
        return dropped.get();
    }

    public void close(Duration drain) {
        timer.shutdownNow();
        pool.close(drain);
    }
}
