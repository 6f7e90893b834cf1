package io.switchboard.internal;

import io.switchboard.DeadLetter;
import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.EventHandler;
import io.switchboard.IdempotencyKey;
import io.switchboard.RetryPolicy;
import io.switchboard.idempotency.IdempotencyStore;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.EventCodec;
import io.switchboard.spi.InboundMessage;
import io.switchboard.spi.MessageHandler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The consuming half of the core, one per subscription: decode, deduplicate, run the handler with its
 * {@link DeliveryContext}, and turn the result into a {@link DeliveryOutcome}. Every driver gets the same retry
 * decisions and the same dead-letter metadata from here.
 */
public final class DeliveryPipeline<T> implements MessageHandler {

    private static final System.Logger LOG = System.getLogger(DeliveryPipeline.class.getName());
    static final int MAX_STACKTRACE_CHARS = 4000;
    /** How soon a delivery whose key is being handled elsewhere comes back to see how that ended. */
    static final Duration IN_PROGRESS_RECHECK = Duration.ofMillis(200);

    private final EventCodec codec;
    private final Class<T> dataType;
    private final EventHandler<T> handler;
    private final String groupLabel;
    private final String idempotencyScope;
    private final RetryPolicy retryPolicy;
    private final IdempotencyKey idempotencyKey;
    private final IdempotencyStore store;
    private final Duration claimLease;
    private final Clock clock;
    private final Counters counters;

    public DeliveryPipeline(EventCodec codec, Class<T> dataType, EventHandler<T> handler, String groupLabel,
            String idempotencyScope, RetryPolicy retryPolicy, IdempotencyKey idempotencyKey, IdempotencyStore store,
            Duration claimLease, Clock clock, Counters counters) {
        this.codec = codec;
        this.dataType = dataType;
        this.handler = handler;
        this.groupLabel = groupLabel;
        this.idempotencyScope = idempotencyScope;
        this.retryPolicy = retryPolicy;
        this.idempotencyKey = idempotencyKey;
        this.store = store;
        this.claimLease = claimLease;
        this.clock = clock;
        this.counters = counters;
    }

    @Override
    public DeliveryOutcome handle(InboundMessage message) {
        final Event<T> event;
        try {
            event = codec.decode(message.payload(), dataType);
        } catch (Throwable malformed) { // a codec's Error too: this method promises never to throw
            counters.deadLettered.increment();
            LOG.log(System.Logger.Level.WARNING, "Dead-lettering an unreadable message from {0} (group {1}): {2}",
                    message.source(), groupLabel, malformed.getMessage());
            Instant now = clock.instant();
            return new DeliveryOutcome.DeadLettered(deadLetter(message, null, now, malformed, "malformed"),
                    malformed);
        }

        String key = idempotencyKey.keyFor(event);
        if (key != null) {
            final IdempotencyStore.Claim claim;
            try {
                claim = store.tryClaim(idempotencyScope, key, claimLease);
            } catch (RuntimeException storeFailure) {
                // Without the claim the handler must not run; a failed attempt keeps the event and is visible.
                return failed(message, event, storeFailure);
            }
            if (claim == IdempotencyStore.Claim.COMPLETED) {
                counters.duplicatesSkipped.increment();
                return DeliveryOutcome.ACK;
            }
            if (claim == IdempotencyStore.Claim.IN_PROGRESS) {
                counters.released.increment();
                return new DeliveryOutcome.Release(IN_PROGRESS_RECHECK);
            }
        }

        DeliveryContext context = new DeliveryContext(event, groupLabel, message.attempt(),
                message.firstFailureAt());
        DeliveryContext previous = CurrentDelivery.enter(context);
        Throwable failure = null;
        try {
            handler.handle(event);
        } catch (Throwable t) { // Errors included: a handler must never take the consumer down
            failure = t;
        } finally {
            CurrentDelivery.restore(previous);
        }

        if (failure == null) {
            if (key != null) {
                try {
                    store.complete(idempotencyScope, key);
                } catch (RuntimeException storeFailure) {
                    // The side effect happened: acknowledge. A later duplicate may run again (at-least-once holds).
                    LOG.log(System.Logger.Level.WARNING, "Could not record key {0} of group {1} as handled: {2}",
                            key, groupLabel, storeFailure.toString());
                }
            }
            counters.handled.increment();
            return DeliveryOutcome.ACK;
        }
        if (key != null) {
            try {
                store.release(idempotencyScope, key);
            } catch (RuntimeException storeFailure) {
                // The claim's lease expires on its own; the retry below is still right.
                LOG.log(System.Logger.Level.WARNING, "Could not release key {0} of group {1}: {2}", key,
                        groupLabel, storeFailure.toString());
            }
        }
        if (failure instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
            // Cancelled by shutdown: not the handler's failure, so no attempt is used up.
            counters.released.increment();
            return DeliveryOutcome.RELEASE;
        }
        return failed(message, event, failure);
    }

    /** A failed attempt: another one after back-off, or the dead-letter destination. */
    private DeliveryOutcome failed(InboundMessage message, Event<T> event, Throwable failure) {
        counters.handlerFailures.increment();
        Instant now = clock.instant();
        Instant first = message.firstFailureAt() != null ? message.firstFailureAt() : now;
        if (retryPolicy.shouldRetry(failure, message.attempt())) {
            counters.retries.increment();
            Duration delay = retryPolicy.delayAfter(message.attempt());
            LOG.log(System.Logger.Level.DEBUG, "Attempt {0} of {1} failed for event {2} in group {3}, retrying in "
                    + "{4} ms: {5}", message.attempt(), retryPolicy.maxAttempts(), event.id(), groupLabel,
                    delay.toMillis(), failure.toString());
            return new DeliveryOutcome.Retry(delay, first, failure);
        }
        counters.deadLettered.increment();
        String reason = retryPolicy.isNonRetryable(failure) ? "non-retryable" : "attempts-exhausted";
        LOG.log(System.Logger.Level.WARNING, "Dead-lettering event {0} ({1}) of group {2} after {3} attempt(s): {4}",
                event.id(), event.type(), groupLabel, message.attempt(), failure.toString());
        return new DeliveryOutcome.DeadLettered(deadLetter(message, event, first, failure, reason), failure);
    }

    private DeadLetter deadLetter(InboundMessage message, Event<?> event, Instant firstFailure, Throwable failure,
            String reason) {
        Instant now = clock.instant();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(DeadLetter.Keys.SOURCE, message.source());
        meta.put(DeadLetter.Keys.GROUP, groupLabel);
        meta.put(DeadLetter.Keys.ATTEMPTS, Integer.toString(message.attempt()));
        meta.put(DeadLetter.Keys.FIRST_FAILURE_AT, (firstFailure != null ? firstFailure : now).toString());
        meta.put(DeadLetter.Keys.LAST_FAILURE_AT, now.toString());
        meta.put(DeadLetter.Keys.EXCEPTION_CLASS, failure.getClass().getName());
        meta.put(DeadLetter.Keys.EXCEPTION_MESSAGE, failure.getMessage() == null ? "" : failure.getMessage());
        meta.put(DeadLetter.Keys.EXCEPTION_STACKTRACE, stackTrace(failure));
        meta.put(DeadLetter.Keys.REASON, reason);
        if (event != null) {
            meta.put(DeadLetter.Keys.EVENT_ID, event.id());
        } else if (failure instanceof io.switchboard.SwitchboardException se && se.eventId() != null) {
            meta.put(DeadLetter.Keys.EVENT_ID, se.eventId()); // the envelope was read, its data did not fit
        }
        if (message.brokerMessageId() != null) {
            meta.put(DeadLetter.Keys.ORIGINAL_MESSAGE_ID, message.brokerMessageId());
        }
        return new DeadLetter(message.payload(), meta);
    }

    static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        return trace.length() <= MAX_STACKTRACE_CHARS ? trace : trace.substring(0, MAX_STACKTRACE_CHARS) + "...";
    }
}
