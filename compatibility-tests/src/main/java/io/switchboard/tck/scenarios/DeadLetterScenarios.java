package io.switchboard.tck.scenarios;

import io.switchboard.DeadLetter;
import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.IdempotencyKey;
import io.switchboard.RetryPolicy;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.spi.OutboundMessage;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** Group D of the catalogue: what cannot be handled ends in the dead-letter destination, once, intact. */
public final class DeadLetterScenarios {

    /** The {@code dlq-} keys every dead letter carries ({@link DeadLetter.Keys#ORIGINAL_MESSAGE_ID} is optional). */
    private static final Set<String> REQUIRED_KEYS = Set.of(DeadLetter.Keys.SOURCE, DeadLetter.Keys.GROUP,
            DeadLetter.Keys.ATTEMPTS, DeadLetter.Keys.FIRST_FAILURE_AT, DeadLetter.Keys.LAST_FAILURE_AT,
            DeadLetter.Keys.EXCEPTION_CLASS, DeadLetter.Keys.EXCEPTION_MESSAGE, DeadLetter.Keys.EXCEPTION_STACKTRACE,
            DeadLetter.Keys.REASON, DeadLetter.Keys.EVENT_ID);

    private DeadLetterScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("D1", "an always-failing event is dead-lettered exactly once, intact",
                        DeadLetterScenarios::deadLetteredOnce).when(Gates.DEAD_LETTERING).withInspector(),
                Scenario.must("D2", "dead letters carry every metadata key, with the right values",
                        DeadLetterScenarios::metadataIsComplete).when(Gates.DEAD_LETTERING).withInspector(),
                Scenario.must("D3", "the handler runs exactly maxAttempts times before dead-lettering",
                        DeadLetterScenarios::invocationsEqualMaxAttempts).when(Gates.DEAD_LETTERING),
                Scenario.must("D4", "non-retryable exceptions are dead-lettered after one attempt",
                        DeadLetterScenarios::nonRetryableAfterOneAttempt).when(Gates.DEAD_LETTERING).withInspector(),
                Scenario.must("D5", "a dead-letter write that fails loses nothing: the event stays for retry",
                        DeadLetterScenarios::failedDeadLetterWriteLosesNothing).when(Gates.DEAD_LETTERING)
                        .withInspector().withFaults(BrokerControl.Fault.PARTITION),
                Scenario.should("D6", "a redriven dead letter is processed; a replay of a processed one is skipped",
                        DeadLetterScenarios::redrive).when(Gates.DEAD_LETTERING).withInspector(),
                Scenario.must("D7", "dead letters of a failing group never involve another group",
                        DeadLetterScenarios::perGroupIsolation).when(Gates.FAN_OUT.and(Gates.DEAD_LETTERING))
                        .withInspector());
    }

    static DriverInspector inspector(ScenarioContext ctx) {
        return ctx.inspector().orElseThrow(() -> new InfrastructureMissing(
                "needs a DriverInspector to read the dead-letter destination; the fixture offers none"));
    }

    /** D1: 3 attempts, then one dead letter with the original payload and headers; no further redelivery. */
    static void deadLetteredOnce(ScenarioContext ctx) throws Exception {
        Switchboard board = ctx.switchboard();
        DriverInspector inspector = inspector(ctx);
        String type = ctx.type("item.rejected");
        String group = ctx.group("strict");
        Ledger ledger = ctx.ledger();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            throw new IllegalStateException("always fails");
        }));
        // Compared with the event as sent: the publisher fills in the correlation id.
        Event<TckItem> event = ledger.publish(board, Ledger.event(type, "k1", 1).toBuilder()
                .header("tenant", "acme").build()).join();
        int attempts = ScenarioContext.RETRY_POLICY.maxAttempts();
        ctx.await("the event to be dead-lettered", 1, () -> deadLettersOf(inspector, event.id()).size() >= 1);
        ctx.quietWindow();

        List<DeadLetter> letters = deadLettersOf(inspector, event.id());
        if (letters.size() != 1) {
            throw new AssertionError("expected exactly 1 dead letter for " + event.id() + ", found "
                    + letters.size() + ": " + letters);
        }
        int invocations = ledger.attempts(event.id(), group).size();
        if (invocations != attempts) {
            throw new AssertionError("the handler ran " + invocations + " time(s), expected " + attempts);
        }
        Event<TckItem> inLetter = new io.switchboard.json.JsonEventCodec().decode(letters.get(0).payload(),
                TckItem.class);
        if (!inLetter.equals(event)) {
            throw new AssertionError("the dead letter does not hold the original event:\n sent "
                    + event + "\n dead-lettered " + inLetter);
        }
        ctx.figure("attempts", invocations);
        ctx.figure("dead letters", letters.size());
    }

    /**
     * D2: two always-failing events, one whose last failure has a deep stack, one failing with an exception without
     * message. Each dead letter carries every key of {@link DeadLetter.Keys} (the original message id where the
     * broker has one) and no other {@code dlq-} key, with values matching what happened.
     */
    static void metadataIsComplete(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        DriverInspector inspector = inspector(ctx);
        String type = ctx.type("invoice.rejected");
        String group = ctx.group("strict");
        Ledger ledger = ctx.ledger();
        RetryPolicy policy = ScenarioContext.RETRY_POLICY;
        int attempts = policy.maxAttempts();
        Map<String, RuntimeException> lastFailure = new ConcurrentHashMap<>();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            RuntimeException failure;
            if (e.data().seq() == 2) {
                failure = new IllegalStateException();
            } else if (attempt < attempts) {
                failure = new IllegalStateException("early failure " + attempt);
            } else {
                failure = deepFailure("last failure of " + e.id(), 1000);
            }
            lastFailure.put(e.id(), failure);
            throw failure;
        }));
        Instant start = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int seq = 1; seq <= 2; seq++) {
            ids.add(ledger.publish(board, Ledger.event(type, "k" + seq, seq)).join().id());
        }
        ctx.await("2 events dead-lettered", 2, () -> ids.stream()
                .allMatch(id -> !deadLettersOf(inspector, id).isEmpty()));
        ctx.quietWindow();
        Instant end = Instant.now();
        Duration skew = ctx.timing().scale(Duration.ofSeconds(5));
        Duration backOffs = Duration.ZERO;
        for (int a = 1; a < attempts; a++) {
            backOffs = backOffs.plus(policy.delayAfter(a));
        }

        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            List<DeadLetter> letters = deadLettersOf(inspector, id);
            if (letters.size() != 1) {
                problems.add(id + ": " + letters.size() + " dead letters, expected 1");
                continue;
            }
            Map<String, String> m = letters.get(0).metadata();
            RuntimeException failure = lastFailure.get(id);
            for (String key : REQUIRED_KEYS) {
                if (m.get(key) == null || (m.get(key).isBlank() && !key.equals(DeadLetter.Keys.EXCEPTION_MESSAGE))) {
                    problems.add(id + ": key " + key + " is missing or blank");
                }
            }
            m.keySet().stream().filter(k -> k.startsWith("dlq-") && !REQUIRED_KEYS.contains(k)
                    && !k.equals(DeadLetter.Keys.ORIGINAL_MESSAGE_ID))
                    .forEach(k -> problems.add(id + ": unknown key " + k + " (keys are the same on every driver)"));
            String source = m.getOrDefault(DeadLetter.Keys.SOURCE, "");
            if (!source.contains(type) && !source.contains(type.replace('.', '-'))) {
                problems.add(id + ": source '" + source + "' is neither the type " + type + " nor its destination");
            }
            expectValue(problems, id, m, DeadLetter.Keys.GROUP, group);
            expectValue(problems, id, m, DeadLetter.Keys.ATTEMPTS, Integer.toString(attempts));
            expectValue(problems, id, m, DeadLetter.Keys.EVENT_ID, id);
            expectValue(problems, id, m, DeadLetter.Keys.REASON, "attempts-exhausted");
            expectValue(problems, id, m, DeadLetter.Keys.EXCEPTION_CLASS, failure.getClass().getName());
            expectValue(problems, id, m, DeadLetter.Keys.EXCEPTION_MESSAGE,
                    failure.getMessage() == null ? "" : failure.getMessage());
            if (m.containsKey(DeadLetter.Keys.ORIGINAL_MESSAGE_ID) && m.get(DeadLetter.Keys.ORIGINAL_MESSAGE_ID)
                    .isBlank()) {
                problems.add(id + ": the original message id is present but blank");
            }
            try {
                Instant first = Instant.parse(m.get(DeadLetter.Keys.FIRST_FAILURE_AT));
                Instant last = Instant.parse(m.get(DeadLetter.Keys.LAST_FAILURE_AT));
                if (first.isBefore(start.minus(skew)) || last.isAfter(end.plus(skew))) {
                    problems.add(id + ": failure times " + first + " .. " + last + " lie outside the scenario's "
                            + start + " .. " + end);
                }
                if (Duration.between(first, last).compareTo(backOffs) < 0) {
                    problems.add(id + ": first failure " + first + " and last failure " + last + " are closer than "
                            + "the back-offs between them (" + backOffs.toMillis() + " ms)");
                }
            } catch (RuntimeException unreadable) {
                problems.add(id + ": failure times are not ISO-8601 instants: " + unreadable.getMessage());
            }
            String trace = m.getOrDefault(DeadLetter.Keys.EXCEPTION_STACKTRACE, "");
            String full = stackTrace(failure);
            String headline = full.lines().findFirst().orElse("");
            if (!trace.startsWith(headline)) {
                problems.add(id + ": the stack trace does not start with '" + headline + "'");
            }
            if (full.length() > 16_000 && trace.length() >= full.length()) {
                problems.add(id + ": the stack trace of " + full.length() + " characters was not truncated");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("dead-letter metadata: " + String.join("; ", problems));
        }
        ctx.figure("dead letters", ids.size());
    }

    /**
     * D3: policies of 1, 2 and 4 attempts, each on its own type and group, with handlers that always fail: each
     * event is attempted exactly maxAttempts times, then dead-lettered once (counted by the publisher).
     */
    static void invocationsEqualMaxAttempts(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        int[] limits = {1, 2, 4};
        int perPolicy = 2;
        record Expected(String eventId, String group, int maxAttempts) {
        }
        List<Expected> expected = new ArrayList<>();
        for (int limit : limits) {
            String type = ctx.type("item.rejected-" + limit);
            String group = ctx.group("attempts-" + limit);
            board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1",
                    (e, attempt) -> {
                        throw new IllegalStateException("always fails");
                    })).withRetryPolicy(RetryPolicy.exponential(limit, Duration.ofMillis(10))));
            for (int i = 0; i < perPolicy; i++) {
                String id = ledger.publish(board, Ledger.event(type, "k" + i, i)).join().id();
                expected.add(new Expected(id, group, limit));
            }
        }
        int total = limits.length * perPolicy;
        ctx.await(total + " events dead-lettered", total, () -> board.metrics().deadLettered() >= total);
        ctx.quietWindow();
        for (Expected e : expected) {
            List<Integer> seen = ledger.attempts(e.eventId(), e.group()).stream().map(Handling::attempt).toList();
            if (seen.size() != e.maxAttempts()) {
                throw new AssertionError("with maxAttempts = " + e.maxAttempts() + " the handler ran " + seen.size()
                        + " time(s) (attempts " + seen + ") for event " + e.eventId());
            }
        }
        long deadLettered = board.metrics().deadLettered();
        if (deadLettered != total) {
            throw new AssertionError(deadLettered + " dead-lettered deliveries counted, expected " + total);
        }
        ctx.figure("dead letters", deadLettered);
    }

    /**
     * D4: with {@code UnsupportedOperationException} and {@code IllegalArgumentException} non-retryable, an event
     * failing with the first, and one failing with a subclass of the second ({@code NumberFormatException}), are
     * dead-lettered after one attempt as {@code non-retryable}; one failing with a retryable exception uses every
     * attempt.
     */
    static void nonRetryableAfterOneAttempt(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        DriverInspector inspector = inspector(ctx);
        String type = ctx.type("item.rejected");
        String group = ctx.group("picky");
        Ledger ledger = ctx.ledger();
        RetryPolicy policy = ScenarioContext.RETRY_POLICY.withNonRetryable(
                Set.of(UnsupportedOperationException.class, IllegalArgumentException.class));
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1",
                (e, attempt) -> {
                    switch ((int) e.data().seq()) {
                        case 0 -> throw new UnsupportedOperationException("not supported");
                        case 1 -> throw new NumberFormatException("not a number");
                        default -> throw new IllegalStateException("retryable");
                    }
                })).withRetryPolicy(policy));
        List<String> ids = new ArrayList<>();
        for (int seq = 0; seq < 3; seq++) {
            ids.add(ledger.publish(board, Ledger.event(type, "k" + seq, seq)).join().id());
        }
        ctx.await("3 events dead-lettered", 3, () -> ids.stream()
                .allMatch(id -> !deadLettersOf(inspector, id).isEmpty()));
        ctx.quietWindow();
        for (int seq = 0; seq < 3; seq++) {
            String id = ids.get(seq);
            boolean nonRetryable = seq < 2;
            int expectedAttempts = nonRetryable ? 1 : policy.maxAttempts();
            int invocations = ledger.attempts(id, group).size();
            List<DeadLetter> letters = deadLettersOf(inspector, id);
            String reason = letters.get(0).get(DeadLetter.Keys.REASON);
            String expectedReason = nonRetryable ? "non-retryable" : "attempts-exhausted";
            if (invocations != expectedAttempts || letters.size() != 1 || !expectedReason.equals(reason)
                    || letters.get(0).attempts() != expectedAttempts) {
                throw new AssertionError("event #" + seq + " (" + (nonRetryable ? "non-retryable" : "retryable")
                        + "): handler ran " + invocations + " time(s), expected " + expectedAttempts + "; "
                        + letters.size() + " dead letter(s) " + letters + ", expected one with reason "
                        + expectedReason);
            }
        }
    }

    /**
     * D5: the single attempt of an always-failing event ends while client and broker are partitioned, so writing
     * its dead letter fails. The event must not be acknowledged as handled: once the partition is restored it is
     * dead-lettered after all. (The error or health signal the catalogue also asks for has no API to read yet.)
     */
    static void failedDeadLetterWriteLosesNothing(ScenarioContext ctx) throws Exception {
        BrokerControl control = ctx.brokerControl().orElseThrow(
                () -> new InfrastructureMissing("needs broker control with PARTITION"));
        Switchboard board = ctx.switchboard();
        DriverInspector inspector = inspector(ctx);
        String type = ctx.type("item.rejected");
        String group = ctx.group("strict");
        Ledger ledger = ctx.ledger();
        AtomicBoolean started = new AtomicBoolean();
        CountDownLatch partitioned = new CountDownLatch(1);
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1",
                (e, attempt) -> {
                    started.set(true);
                    partitioned.await();
                    throw new IllegalStateException("always fails");
                })).withRetryPolicy(RetryPolicy.noRetries()));
        Event<TckItem> event = ledger.publish(board, Ledger.event(type, "k1", 1)).join();
        ctx.await("the handler to start", 1, started::get);
        control.cut();
        try {
            partitioned.countDown();
            ctx.quietWindow(); // the attempt fails and its dead letter cannot be written meanwhile
        } finally {
            control.restore();
        }
        ctx.await("the event to be dead-lettered after the partition", 1,
                () -> !deadLettersOf(inspector, event.id()).isEmpty());
        ctx.quietWindow();
        ctx.figure("dead letters", deadLettersOf(inspector, event.id()).size());
        ctx.figure("attempts", ledger.attempts(event.id(), group).size());
    }

    /**
     * D6: an event is dead-lettered while its handler is broken; the handler is fixed and the dead letter's payload
     * is sent to the source again, bypassing the publisher: it is handled. With event-id deduplication, replaying
     * it once more is recognised as already processed and skipped. (Each resend has its own broker message id, so
     * a broker's own publish deduplication cannot drop it.)
     */
    static void redrive(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.EVENT_ID));
        DriverInspector inspector = inspector(ctx);
        String type = ctx.type("item.rejected");
        String group = ctx.group("redriven");
        Ledger ledger = ctx.ledger();
        AtomicBoolean fixed = new AtomicBoolean();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            if (!fixed.get()) {
                throw new IllegalStateException("the handler is broken");
            }
        }));
        Event<TckItem> event = ledger.publish(board, Ledger.event(type, "k1", 1)).join();
        ctx.await("the event to be dead-lettered", 1, () -> !deadLettersOf(inspector, event.id()).isEmpty());
        DeadLetter letter = deadLettersOf(inspector, event.id()).get(0);
        fixed.set(true);

        ctx.rawDriver().send(redriven(event, letter, 1)).join();
        ctx.await("the redriven event to be handled", 1, () -> ledger.handledEvents(group) >= 1);
        long skipped = board.metrics().duplicatesSkipped();
        ctx.rawDriver().send(redriven(event, letter, 2)).join();
        ctx.await("the replay to be skipped as already processed", 1,
                () -> board.metrics().duplicatesSkipped() > skipped
                        || ledger.successes(group).size() > 1); // or handled again: reported below
        ctx.quietWindow();
        List<Handling> runs = ledger.attempts(event.id(), group);
        long successes = runs.stream().filter(Handling::success).count();
        if (successes != 1) {
            throw new AssertionError("the redriven event was handled " + successes + " time(s), expected once: "
                    + runs);
        }
        ctx.figure("failed attempts before the fix", runs.size() - successes);
    }

    /**
     * D7: groups A and B on one type; A always fails, B always succeeds. Every event is dead-lettered once for A
     * and handled once by B; no dead letter names B, B never sees a retry, and each handler sees its own group in
     * its delivery context.
     */
    static void perGroupIsolation(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        DriverInspector inspector = inspector(ctx);
        String type = ctx.type("item.recorded");
        String a = ctx.group("failing");
        String b = ctx.group("healthy");
        Ledger ledger = ctx.ledger();
        Set<String> wrongContext = ConcurrentHashMap.newKeySet();
        board.subscribe(a, type, TckItem.class, ledger.handler(a, "a1", (e, attempt) -> {
            checkGroup(wrongContext, a);
            throw new IllegalStateException("group A always fails");
        }));
        board.subscribe(b, type, TckItem.class, ledger.handler(b, "b1", (e, attempt) -> checkGroup(wrongContext, b)));
        int n = 10;
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(type, "k" + i, i));
        }
        ctx.awaitPublishes();
        ctx.await(n + " dead letters", n, () -> inspector.deadLetters().size() >= n);
        ctx.awaitHandled(b, n);
        ctx.quietWindow();

        List<DeadLetter> letters = inspector.deadLetters();
        Set<String> published = new HashSet<>();
        ledger.publishes().forEach(p -> published.add(p.eventId()));
        Set<String> lettered = new HashSet<>();
        for (DeadLetter d : letters) {
            if (!a.equals(d.get(DeadLetter.Keys.GROUP)) || !lettered.add(d.get(DeadLetter.Keys.EVENT_ID))) {
                throw new AssertionError("expected one dead letter per event, all of group " + a + "; found " + d);
            }
        }
        if (!lettered.equals(published)) {
            throw new AssertionError("dead letters " + lettered + " do not match the events published " + published);
        }
        ctx.expectExactlyOnce(b, type);
        List<Handling> ofB = ledger.handlings(b);
        if (ofB.size() != n || ofB.stream().anyMatch(h -> !h.success() || h.attempt() != 1)) {
            throw new AssertionError("group " + b + " saw retries or failures of group " + a + ": " + ofB);
        }
        if (!wrongContext.isEmpty()) {
            throw new AssertionError("handlers saw another group in their delivery context: " + wrongContext);
        }
        ctx.figure("dead letters", letters.size());
    }

    static List<DeadLetter> deadLettersOf(DriverInspector inspector, String eventId) {
        return inspector.deadLetters().stream()
                .filter(d -> eventId.equals(d.get(DeadLetter.Keys.EVENT_ID)))
                .toList();
    }

    private static void expectValue(List<String> problems, String id, Map<String, String> metadata, String key,
            String expected) {
        if (!expected.equals(metadata.get(key))) {
            problems.add(id + ": " + key + " is '" + metadata.get(key) + "', expected '" + expected + "'");
        }
    }

    /** An exception created {@code depth} calls deep, so its stack trace is long. */
    private static RuntimeException deepFailure(String message, int depth) {
        return depth == 0 ? new IllegalArgumentException(message) : deepFailure(message, depth - 1);
    }

    private static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** The dead letter's payload sent to the source again, as a redrive tool would, with its own message id. */
    private static OutboundMessage redriven(Event<TckItem> event, DeadLetter letter, int round) {
        return new OutboundMessage(event.id() + "-redrive-" + round, event.type().value(), event.aggregateId(),
                letter.payload(), event.headers());
    }

    private static void checkGroup(Set<String> wrong, String group) {
        String seen = DeliveryContext.current().map(DeliveryContext::group).orElse(null);
        if (!group.equals(seen)) {
            wrong.add("handler of " + group + " saw " + seen);
        }
    }
}
