package io.switchboard.tck.internal;

import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.EventHandler;
import io.switchboard.EventPublisher;
import io.switchboard.SwitchboardException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What happened in a scenario: every publish with its outcome, and every handler invocation (event, group,
 * consumer, attempt, key, sequence, success). The {@link Checker} derives lost, duplicated, unexpected and
 * reordered events from it. Nothing is deduplicated here: duplicates are counted, never hidden.
 */
public final class Ledger {

    /** A publish's outcome as the publisher reported it. */
    public enum Outcome { PENDING, OK, FAILED, INDETERMINATE }

    /** One publish. */
    public static final class Published {
        private final String eventId;
        private final String type;
        private final String key;
        private final long seq;
        private volatile Outcome outcome = Outcome.PENDING;
        private volatile Throwable failure;

        Published(String eventId, String type, String key, long seq) {
            this.eventId = eventId;
            this.type = type;
            this.key = key;
            this.seq = seq;
        }

        public String eventId() {
            return eventId;
        }

        public String type() {
            return type;
        }

        public String key() {
            return key;
        }

        public long seq() {
            return seq;
        }

        public Outcome outcome() {
            return outcome;
        }

        public Throwable failure() {
            return failure;
        }
    }

    /** One handler invocation. */
    public record Handling(String eventId, String type, String group, String consumer, int attempt, String key,
            long seq, boolean success, long nanos) {
    }

    /** What a recording handler does after recording the invocation; throwing makes the attempt fail. */
    @FunctionalInterface
    public interface Behaviour {
        void apply(Event<TckItem> event, int attempt) throws Exception;

        Behaviour SUCCEED = (event, attempt) -> { };
    }

    private final Map<String, Published> published = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Published> publishOrder = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Handling> handlings = new ConcurrentLinkedQueue<>();
    private final AtomicLong progress = new AtomicLong();

    /** An event of the kit: aggregate id = {@code key} (may be null), data = key, sequence and {@code text}. */
    public static Event<TckItem> event(String type, String key, long seq) {
        return Event.builder(type).aggregateId(key).data(new TckItem(key, seq, "item " + seq)).build();
    }

    /** Records {@code event} as published through {@code publisher}; the outcome is recorded when it completes. */
    public CompletableFuture<Event<TckItem>> publish(EventPublisher publisher, Event<TckItem> event) {
        Published p = track(event);
        CompletableFuture<Event<TckItem>> result;
        try {
            result = publisher.publish(event);
        } catch (RuntimeException thrown) { // a publisher must not throw; record it as what it is
            result = CompletableFuture.failedFuture(thrown);
        }
        return result.whenComplete((ok, error) -> settle(p, error));
    }

    /** Publishes and waits for the outcome; never throws for a failed publish (it is in the ledger). */
    public Published publishAndWait(EventPublisher publisher, Event<TckItem> event) {
        try {
            publish(publisher, event).join();
        } catch (RuntimeException failedPublish) {
            // recorded by settle()
        }
        return published.get(event.id());
    }

    /** Records a batch as published; each event gets the batch's outcome. */
    public CompletableFuture<List<Event<?>>> publishAll(EventPublisher publisher, List<Event<TckItem>> events) {
        List<Published> tracked = events.stream().map(this::track).toList();
        CompletableFuture<List<Event<?>>> result;
        try {
            result = publisher.publishAll(events);
        } catch (RuntimeException thrown) {
            result = CompletableFuture.failedFuture(thrown);
        }
        return result.whenComplete((ok, error) -> tracked.forEach(p -> settle(p, error)));
    }

    /** Records a publish made some other way (raw bytes injected into the driver, for instance). */
    public Published track(Event<?> event) {
        TckItem item = event.data() instanceof TckItem t ? t : null;
        Published p = new Published(event.id(), event.type().value(), event.aggregateId(),
                item == null ? -1 : item.seq());
        if (published.putIfAbsent(event.id(), p) == null) {
            publishOrder.add(p);
        }
        progress.incrementAndGet();
        return published.get(event.id());
    }

    private void settle(Published p, Throwable error) {
        if (error == null) {
            p.outcome = Outcome.OK;
        } else {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            p.failure = cause;
            p.outcome = cause instanceof SwitchboardException se && se.isIndeterminate() ? Outcome.INDETERMINATE
                    : Outcome.FAILED;
        }
        progress.incrementAndGet();
    }

    /** A handler that records every invocation as {@code group}/{@code consumer} and succeeds. */
    public EventHandler<TckItem> handler(String group, String consumer) {
        return handler(group, consumer, Behaviour.SUCCEED);
    }

    /** A handler that records every invocation, then applies {@code behaviour}; a throw is a failed attempt. */
    public EventHandler<TckItem> handler(String group, String consumer, Behaviour behaviour) {
        return event -> {
            int attempt = DeliveryContext.current().map(DeliveryContext::attempt).orElse(0);
            TckItem item = event.data();
            try {
                behaviour.apply(event, attempt);
            } catch (Throwable t) {
                record(new Handling(event.id(), event.type().value(), group, consumer, attempt,
                        item == null ? null : item.key(), item == null ? -1 : item.seq(), false, System.nanoTime()));
                throw t;
            }
            record(new Handling(event.id(), event.type().value(), group, consumer, attempt,
                    item == null ? null : item.key(), item == null ? -1 : item.seq(), true, System.nanoTime()));
        };
    }

    public void record(Handling handling) {
        handlings.add(handling);
        progress.incrementAndGet();
    }

    /** Increases whenever anything is recorded: the progress a wait watches. */
    public long progress() {
        return progress.get();
    }

    public Published published(String eventId) {
        return published.get(eventId);
    }

    public List<Published> publishes() {
        return List.copyOf(publishOrder);
    }

    public List<Published> publishes(Predicate<Published> filter) {
        return publishOrder.stream().filter(filter).toList();
    }

    public long count(Outcome outcome) {
        return publishOrder.stream().filter(p -> p.outcome == outcome).count();
    }

    public boolean allSettled() {
        return publishOrder.stream().noneMatch(p -> p.outcome == Outcome.PENDING);
    }

    /** Every invocation, in the order they were recorded. */
    public List<Handling> handlings() {
        return List.copyOf(handlings);
    }

    public List<Handling> handlings(String group) {
        return handlings.stream().filter(h -> h.group().equals(group)).toList();
    }

    /** Successful invocations in {@code group}, duplicates included. */
    public List<Handling> successes(String group) {
        return handlings.stream().filter(h -> h.success() && h.group().equals(group)).toList();
    }

    /** Distinct events handled successfully in {@code group}. */
    public long handledEvents(String group) {
        return handlings.stream().filter(h -> h.success() && h.group().equals(group)).map(Handling::eventId)
                .distinct().count();
    }

    /** Invocations (successful or not) of {@code eventId} in {@code group}. */
    public List<Handling> attempts(String eventId, String group) {
        return handlings.stream().filter(h -> h.eventId().equals(eventId) && h.group().equals(group)).toList();
    }

    static List<String> sample(Collection<String> ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            if (out.size() == 5) {
                break;
            }
            out.add(id);
        }
        return out;
    }
}
