package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.Event;
import io.switchboard.RetryPolicy;
import io.switchboard.Subscription;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group R of the catalogue: at-least-once when handlers fail.
 *
 * <p>R8: {@link Capabilities} has no transactional flag, so every driver is declared non-transactional; R8 verifies
 * that declaration (an event published by a handler that then fails is emitted once per attempt, not rolled back).
 * R9: {@link Event} is immutable, so "rolled back" means a handler cannot change the headers at all, and the next
 * attempt sees them as published.
 */
public final class RetryScenarios {

    private RetryScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("R1", "failed first attempts are retried; nothing lost, one extra attempt each",
                        RetryScenarios::failedAttemptsAreRetried).when(Gates.AT_LEAST_ONCE),
                Scenario.must("R2", "the attempt counter reads 1, 2, ..., N across N attempts",
                        RetryScenarios::attemptCounterIsExact).when(Gates.AT_LEAST_ONCE.and(Gates.ATTEMPT_COUNTER)),
                Scenario.must("R3", "checkpoint safety: after a consumer restart failed events come back, acked "
                        + "ones do not", RetryScenarios::checkpointSafety)
                        .when(Gates.AT_LEAST_ONCE.and(Gates.SURVIVES_CONSUMER_RESTART)),
                Scenario.must("R4", "events read but not acked at close are all handled by the next member",
                        RetryScenarios::unackedAtCloseAreRedelivered)
                        .when(Gates.AT_LEAST_ONCE.and(Gates.SURVIVES_CONSUMER_RESTART)),
                Scenario.should("R5", "retries wait the back-off (plus at most the declared redelivery latency); "
                        + "attempts = maxAttempts", RetryScenarios::retryPolicyIsRespected)
                        .when(Gates.AT_LEAST_ONCE),
                Scenario.must("R6", "at-most-once: a failed event is not redelivered",
                        RetryScenarios::atMostOnceDoesNotRedeliver).when(Gates.AT_MOST_ONCE),
                Scenario.must("R7", "a constantly failing subscriber neither blocks nor starves the others",
                        RetryScenarios::failureIsIsolated),
                Scenario.should("R8", "an event published by a failing handler is emitted once per attempt "
                        + "(non-transactional, as declared)", RetryScenarios::sideEffectsOfFailedAttempts)
                        .when(Gates.AT_LEAST_ONCE),
                Scenario.must("R9", "a failed attempt cannot change the headers; the next attempt sees the original",
                        RetryScenarios::headersSurviveFailedAttempt).when(Gates.AT_LEAST_ONCE));
    }

    /** R1: the handler fails the first attempt of every 10th event and of the first two. */
    static void failedAttemptsAreRetried(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("workers");
        Ledger ledger = ctx.ledger();
        int n = ctx.sizes().retries();
        Set<Long> failing = new HashSet<>();
        for (long seq = 0; seq < n; seq++) {
            if (seq < 2 || seq % 10 == 0) {
                failing.add(seq);
            }
        }
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            if (attempt == 1 && failing.contains(e.data().seq())) {
                throw new IllegalStateException("planned failure of the first attempt");
            }
        }));
        for (int i = 0; i < n; i++) {
            ledger.publishAndWait(board, Ledger.event(type, "k" + (i % 8), i));
        }
        ctx.awaitHandled(group, n);
        ctx.expect(group, Checker.ofType(type), 0, false);
        for (Ledger.Published p : ledger.publishes()) {
            List<Handling> attempts = ledger.attempts(p.eventId(), group);
            int expected = failing.contains(p.seq()) ? 2 : 1;
            if (attempts.size() != expected) {
                throw new AssertionError("event #" + p.seq() + " was attempted " + attempts.size()
                        + " time(s), expected " + expected + ": " + attempts);
            }
        }
        ctx.figure("planned failures", failing.size());
    }

    /**
     * R2: each event fails its first N-1 invocations (counted by the handler itself, not from the counter under
     * test) and succeeds on the N-th; the attempts the handler saw must read 1, 2, ..., N.
     */
    static void attemptCounterIsExact(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("counted");
        Ledger ledger = ctx.ledger();
        int attempts = 4;
        RetryPolicy policy = new RetryPolicy(attempts, Duration.ofMillis(20), 1.0, Duration.ofMillis(20), Set.of());
        Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1",
                (e, attempt) -> {
                    int n = invocations.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                    if (n < attempts) {
                        throw new IllegalStateException("planned failure of invocation " + n);
                    }
                })).withRetryPolicy(policy));
        int events = 5;
        for (int i = 0; i < events; i++) {
            ledger.publishAndWait(board, Ledger.event(type, "k" + i, i));
        }
        ctx.awaitHandled(group, events);
        ctx.quietWindow();
        for (Ledger.Published p : ledger.publishes()) {
            List<Integer> seen = ledger.attempts(p.eventId(), group).stream().map(Handling::attempt).toList();
            List<Integer> expected = new ArrayList<>();
            for (int a = 1; a <= attempts; a++) {
                expected.add(a);
            }
            if (!seen.equals(expected)) {
                throw new AssertionError("event #" + p.seq() + ": the handler saw attempts " + seen + " over "
                        + seen.size() + " invocation(s), expected " + expected);
            }
        }
        ctx.expect(group, Checker.ofType(type), 0, false);
        ctx.figure("attempts per event", attempts);
    }

    /**
     * R3: A..E are delivered; the first member acks A, B, D and fails C, E (a 300 ms back-off keeps their retries
     * pending), then closes; a new member of the group must handle C and E (only it can: the first member fails
     * them every time), and D may come back as a duplicate, but A and B never. Events without ordering key, so no
     * ordering rule holds D back behind C.
     */
    static void checkpointSafety(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("checkpointed");
        Ledger ledger = ctx.ledger();
        RetryPolicy slowRetries = new RetryPolicy(10, Duration.ofMillis(300), 1.0, Duration.ofMillis(300), Set.of());
        Map<String, String> names = new LinkedHashMap<>();
        String[] letters = {"A", "B", "C", "D", "E"};
        Set<String> nacked = Set.of("C", "E");
        Subscription first = board.subscribe(SubscriptionRequest.group(group, type, TckItem.class,
                ledger.handler(group, "member-1", (e, attempt) -> {
                    String letter = letters[(int) e.data().seq()];
                    if (nacked.contains(letter)) {
                        throw new IllegalStateException("planned failure of " + letter);
                    }
                })).withRetryPolicy(slowRetries));
        for (int i = 0; i < letters.length; i++) {
            Ledger.Published p = ledger.publishAndWait(board, Ledger.event(type, null, i));
            names.put(p.eventId(), letters[i]);
        }
        ctx.await("A, B, D acked and C, E failed by the first member", letters.length, () -> {
            for (Map.Entry<String, String> n : names.entrySet()) {
                List<Handling> h = ledger.attempts(n.getKey(), group);
                boolean done = nacked.contains(n.getValue()) ? h.stream().anyMatch(x -> !x.success())
                        : h.stream().anyMatch(Handling::success);
                if (!done) {
                    return false;
                }
            }
            return true;
        });
        first.close();
        long restartedAt = System.nanoTime();
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "member-2"))
                .withRetryPolicy(slowRetries));
        ctx.await("C and E handled after the restart", 2, () -> names.entrySet().stream()
                .filter(n -> nacked.contains(n.getValue()))
                .allMatch(n -> ledger.attempts(n.getKey(), group).stream().anyMatch(Handling::success)));
        ctx.quietWindow();

        for (Map.Entry<String, String> n : names.entrySet()) {
            List<Handling> h = ledger.attempts(n.getKey(), group);
            long afterRestart = h.stream().filter(x -> x.nanos() > restartedAt).count();
            if ((n.getValue().equals("A") || n.getValue().equals("B")) && (afterRestart > 0 || h.size() != 1)) {
                throw new AssertionError(n.getValue() + " was acknowledged before the restart but came back: " + h);
            }
        }
        // D may be re-read once by an offset-based driver; anything else is lost or duplicated.
        ctx.expect(group, Checker.ofType(type), 1, false);
    }

    /**
     * R4: a first member reads half of the events (its handler blocks, so they stay unacknowledged), then closes
     * with a short drain timeout; a new member of the group must handle every event.
     */
    static void unackedAtCloseAreRedelivered(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard(b -> b.drainTimeout(ctx.timing().scale(Duration.ofMillis(200))));
        String type = ctx.type("item.recorded");
        String group = ctx.group("restarted");
        Ledger ledger = ctx.ledger();
        int n = ctx.sizes().unacked();
        int half = n / 2;
        Set<String> read = ConcurrentHashMap.newKeySet();
        CountDownLatch never = new CountDownLatch(1);
        // Concurrency of half the events: the first member holds exactly that many unacknowledged at once.
        Subscription first = board.subscribe(SubscriptionRequest.group(group, type, TckItem.class,
                ledger.handler(group, "member-1", (e, attempt) -> {
                    read.add(e.id());
                    never.await(); // interrupted when the drain timeout passes
                    throw new IllegalStateException("released after the close without being interrupted");
                })).withMaxConcurrency(half));
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(type, null, i));
        }
        ctx.awaitPublishes();
        ctx.await(half + " events read by the first member", half, () -> read.size() >= half);
        first.close();
        never.countDown(); // a driver that did not interrupt its handlers gets them back now, as failures
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-2"));
        ctx.awaitHandled(group, n);
        ctx.quietWindow();
        ctx.expect(group, Checker.ofType(type), n, false); // only loss matters here; duplicates are counted
        ctx.figure("read without ack", read.size());
    }

    /**
     * R5: a policy of 3 attempts, 100 ms then 200 ms back-off, and a handler that always fails. The gap between
     * consecutive attempts is at least the back-off and at most back-off + declared maxRedeliveryLatency (× the
     * timeout multiplier); exactly 3 attempts are made.
     */
    static void retryPolicyIsRespected(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("timed");
        Ledger ledger = ctx.ledger();
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), Set.of());
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1",
                (e, attempt) -> {
                    throw new IllegalStateException("always fails");
                })).withRetryPolicy(policy));
        int events = 3;
        for (int i = 0; i < events; i++) {
            ledger.publishAndWait(board, Ledger.event(type, "k" + i, i));
        }
        int total = events * policy.maxAttempts();
        ctx.await(total + " attempts", total, () -> ledger.handlings(group).size() >= total);
        ctx.quietWindow();

        Duration slack = ctx.timing().scale(ctx.capabilities().maxRedeliveryLatency());
        long longest = 0;
        for (Ledger.Published p : ledger.publishes()) {
            List<Handling> attempts = new ArrayList<>(ledger.attempts(p.eventId(), group));
            attempts.sort(Comparator.comparingLong(Handling::nanos));
            if (attempts.size() != policy.maxAttempts()) {
                throw new AssertionError("event #" + p.seq() + " was attempted " + attempts.size()
                        + " time(s), expected maxAttempts = " + policy.maxAttempts());
            }
            for (int a = 1; a < attempts.size(); a++) {
                Duration gap = Duration.ofNanos(attempts.get(a).nanos() - attempts.get(a - 1).nanos());
                Duration backOff = policy.delayAfter(a);
                Duration latest = backOff.plus(slack);
                if (gap.compareTo(backOff) < 0 || gap.compareTo(latest) > 0) {
                    throw new AssertionError("event #" + p.seq() + ": attempt " + (a + 1) + " came "
                            + gap.toMillis() + " ms after attempt " + a + ", expected between " + backOff.toMillis()
                            + " ms (back-off) and " + latest.toMillis() + " ms (+ declared maxRedeliveryLatency)");
                }
                longest = Math.max(longest, gap.minus(backOff).toMillis());
            }
        }
        ctx.figure("attempts per event", policy.maxAttempts());
        ctx.figure("max extra delay ms", longest);
    }

    /**
     * R6: the handler fails every fourth event; none of them is delivered again within the quiet window, and the
     * failures are counted (handler failures in the metrics).
     */
    static void atMostOnceDoesNotRedeliver(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("best-effort");
        Ledger ledger = ctx.ledger();
        int n = 20;
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            if (e.data().seq() % 4 == 0) {
                throw new IllegalStateException("planned failure");
            }
        }));
        for (int i = 0; i < n; i++) {
            ledger.publishAndWait(board, Ledger.event(type, "k" + i, i));
        }
        ctx.await("every event attempted", n, () -> ledger.handlings(group).stream().map(Handling::eventId)
                .distinct().count() >= n);
        ctx.quietWindow();
        long failures = 0;
        for (Ledger.Published p : ledger.publishes()) {
            List<Handling> attempts = ledger.attempts(p.eventId(), group);
            if (attempts.size() != 1) {
                throw new AssertionError("event #" + p.seq() + " was delivered " + attempts.size()
                        + " time(s) under AT_MOST_ONCE: " + attempts);
            }
            failures += attempts.get(0).success() ? 0 : 1;
        }
        long counted = board.metrics().handlerFailures();
        if (counted != failures) {
            throw new AssertionError("the metrics count " + counted + " handler failure(s), the handler failed "
                    + failures + " time(s)");
        }
        ctx.figure("dropped after failure", failures);
    }

    /**
     * R7: subscriber X fails every attempt (retrying every 10 ms) on type A. While it does, subscriber Y1 (another
     * group on A, with fan-out) and Y2 (type B) must each get every event exactly once. Then X is healed and, under
     * at-least-once, must get every event too.
     */
    static void failureIsIsolated(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String typeA = ctx.type("order.placed");
        String typeB = ctx.type("audit.recorded");
        String x = ctx.group("failing");
        String y1 = ctx.group("same-type");
        String y2 = ctx.group("other-type");
        boolean fanOut = ctx.capabilities().fanOutGroups();
        boolean retries = ctx.capabilities().delivery() == Capabilities.Delivery.AT_LEAST_ONCE;
        AtomicBoolean healed = new AtomicBoolean();
        RetryPolicy stubborn = new RetryPolicy(100_000, Duration.ofMillis(10), 1.0, Duration.ofMillis(10), Set.of());
        board.subscribe(SubscriptionRequest.group(x, typeA, TckItem.class, ledger.handler(x, "x", (e, attempt) -> {
            if (!healed.get()) {
                throw new IllegalStateException("X fails constantly");
            }
        })).withRetryPolicy(stubborn));
        if (fanOut) {
            board.subscribe(y1, typeA, TckItem.class, ledger.handler(y1, "y1"));
        }
        board.subscribe(y2, typeB, TckItem.class, ledger.handler(y2, "y2"));
        int n = ctx.sizes().retries();
        int keys = 8;
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(typeA, "k" + (i % keys), i));
        }
        ctx.await("X failing", 1, () -> ledger.handlings(x).stream().anyMatch(h -> !h.success()));
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(typeB, "k" + (i % keys), i));
        }
        ctx.awaitPublishes();
        if (fanOut) {
            ctx.awaitHandled(y1, n);
        }
        ctx.awaitHandled(y2, n);
        long failuresWhileServing = ledger.handlings(x).size();
        ctx.quietWindow();
        if (fanOut) {
            ctx.expectExactlyOnce(y1, typeA);
        }
        ctx.expectExactlyOnce(y2, typeB);
        if (retries) {
            healed.set(true);
            ctx.awaitHandled(x, n);
            ctx.expect(x, Checker.ofType(typeA), 0, false);
        }
        ctx.figure("X failed attempts until the others were served", failuresWhileServing);
    }

    /**
     * R8: for every attempt, the handler publishes a follow-up event (id derived from the attempt) and then fails,
     * except on the last attempt. Every follow-up, from failed attempts too, reaches an observer group: drivers
     * are non-transactional, as {@link Capabilities} (which has no transactional flag) declares for all of them.
     */
    static void sideEffectsOfFailedAttempts(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String source = ctx.type("order.placed");
        String emitted = ctx.type("mail.queued");
        String worker = ctx.group("worker");
        String observer = ctx.group("observer");
        int attempts = ScenarioContext.RETRY_POLICY.maxAttempts();
        board.subscribe(observer, emitted, TckItem.class, ledger.handler(observer, "o1"));
        board.subscribe(worker, source, TckItem.class, ledger.handler(worker, "w1", (e, attempt) -> {
            Event<TckItem> followUp = Ledger.event(emitted, e.data().key(), attempt).toBuilder()
                    .id(e.id() + "-follow-up-" + attempt).build();
            ledger.publish(board, followUp).join();
            if (attempt < attempts) {
                throw new IllegalStateException("planned failure after publishing");
            }
        }));
        int n = 5;
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sources.add(ledger.publish(board, Ledger.event(source, "k" + i, i)).join().id());
        }
        ctx.awaitHandled(worker, n);
        int followUps = n * attempts;
        ctx.await(followUps + " follow-ups, those published by failed attempts included, to reach " + observer,
                followUps, () -> ledger.handledEvents(observer) >= followUps);
        ctx.quietWindow();
        for (String id : sources) {
            for (int a = 1; a <= attempts; a++) {
                String followUp = id + "-follow-up-" + a;
                if (ledger.attempts(followUp, observer).stream().noneMatch(Handling::success)) {
                    throw new AssertionError("the event published by attempt " + a + " of " + id
                            + (a < attempts ? " (which then failed)" : "") + " was not emitted");
                }
            }
        }
        ctx.expect(observer, Checker.ofType(emitted), 0, false);
        ctx.figure("follow-ups from failed attempts", n * (attempts - 1));
    }

    /**
     * R9: on the first attempt the handler tries to change, add and remove headers, then fails; each change must be
     * refused, and the second attempt must see exactly the headers that were published.
     */
    static void headersSurviveFailedAttempt(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("meddling");
        Map<String, Map<String, String>> secondAttempt = new ConcurrentHashMap<>();
        List<String> accepted = new ArrayList<>();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            if (attempt == 1) {
                tryChange(accepted, "put", () -> e.headers().put("tenant", "mallory"));
                tryChange(accepted, "put new", () -> e.headers().put("x-added", "1"));
                tryChange(accepted, "remove", () -> e.headers().remove("traceparent"));
                tryChange(accepted, "clear", () -> e.headers().clear());
                throw new IllegalStateException("planned failure after changing headers");
            }
            secondAttempt.put(e.id(), Map.copyOf(e.headers()));
        }));
        Event<TckItem> event = ledger.publish(board, Ledger.event(type, "k1", 1).toBuilder()
                .header("tenant", "acme")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .build()).join();
        ctx.awaitHandled(group, 1);
        synchronized (accepted) {
            if (!accepted.isEmpty()) {
                throw new AssertionError("a handler could change the event's headers: " + accepted);
            }
        }
        Map<String, String> seen = secondAttempt.get(event.id());
        if (!event.headers().equals(seen)) {
            throw new AssertionError("the second attempt saw headers " + seen + ", published " + event.headers());
        }
        ctx.figure("headers", seen.size());
    }

    /** Runs a change a handler should not be able to make; records it if it was accepted. */
    private static void tryChange(List<String> accepted, String what, Runnable change) {
        try {
            change.run();
            synchronized (accepted) {
                accepted.add(what);
            }
        } catch (UnsupportedOperationException refused) {
            // immutable, as it must be
        }
    }
}
