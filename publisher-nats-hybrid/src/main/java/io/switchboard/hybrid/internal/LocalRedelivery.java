package io.switchboard.hybrid.internal;

import io.switchboard.DeadLetter;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Carries out the core's decisions for a subscription whose broker cannot redeliver (NATS core, an ephemeral
 * JetStream consumer): a retry or release is handed to the handler again in this process after its delay; a dead
 * letter goes to {@code deadLetters}. What is pending here is lost with the process: that is at-most-once.
 */
public final class LocalRedelivery {

    private static final System.Logger LOG = System.getLogger(LocalRedelivery.class.getName());

    private final String name;
    private final MessageHandler handler;
    private final HandlerPool pool;
    private final Consumer<DeadLetter> deadLetters;
    private final ScheduledExecutorService timer;

    public LocalRedelivery(String name, MessageHandler handler, HandlerPool pool, Consumer<DeadLetter> deadLetters) {
        this.name = name;
        this.handler = handler;
        this.pool = pool;
        this.deadLetters = deadLetters;
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
        if (outcome instanceof DeliveryOutcome.Retry retry) {
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

    public void close(Duration drain) {
        timer.shutdownNow();
        pool.close(drain);
    }
}
