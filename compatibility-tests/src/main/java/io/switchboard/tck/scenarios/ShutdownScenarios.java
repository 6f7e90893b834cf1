package io.switchboard.tck.scenarios;

import io.switchboard.DeadLetter;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardMetrics;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Ledger.Outcome;
import io.switchboard.tck.internal.Ledger.Published;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Group S of the catalogue: closing subscriptions and publishers drains, cancels and flushes as promised. */
public final class ShutdownScenarios {

    private ShutdownScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("S1", "closing a subscription waits for its running handler, which is not interrupted",
                        ShutdownScenarios::gracefulStop),
                Scenario.must("S2", "past the drain deadline the handler is cancelled and its event redelivered",
                        ShutdownScenarios::drainDeadlineExceeded).when(Gates.AT_LEAST_ONCE),
                Scenario.must("S3", "after close no handler is invoked", ShutdownScenarios::nothingAfterClose),
                Scenario.must("S4", "closing the publisher flushes: every accepted publish is handled",
                        ShutdownScenarios::closeFlushes),
                Scenario.notVerified("S5", Scenario.Level.SHOULD,
                        "Spring context shutdown stops consumers before publishers and connections, quietly",
                        "not covered by the kit: it drives drivers through Switchboard without a Spring context, so "
                                + "it cannot observe SmartLifecycle phases or the log of a context shutdown; the "
                                + "order within Switchboard.close() (flush, subscriptions, driver) is what S1-S4 "
                                + "check"),
                Scenario.should("S6", "closing while the broker is stopped returns within the drain deadlines; "
                        + "a new publisher works once it is back", ShutdownScenarios::stopWhileBrokerDown)
                        .withFaults(BrokerControl.Fault.RESTART));
    }

    /**
     * S1: a subscription is closed while its handler runs. {@code close()} does not return while the handler is
     * running (watched for a quiet window), the handler is not interrupted, and the event is handled once and not
     * redelivered to a member that joins afterwards. The drain timeout is long, so only a driver that does not
     * wait (or cancels early) fails.
     */
    static void gracefulStop(ScenarioContext ctx) throws Exception {
        Switchboard board = ctx.switchboard(b -> b.drainTimeout(ctx.timing().deadline(1)));
        String type = ctx.type("item.recorded");
        String group = ctx.group("draining");
        Ledger ledger = ctx.ledger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Subscription first = board.subscribe(group, type, TckItem.class, ledger.handler(group, "first",
                (e, attempt) -> {
                    started.countDown();
                    boolean released = false;
                    while (!released) { // an interruption is noted, then ignored: the handler finishes normally
                        try {
                            ctx.awaitLatch(release);
                            released = true;
                        } catch (InterruptedException cancelled) {
                            interrupted.set(true);
                        }
                    }
                }));
        try {
            Ledger.Published event = ledger.publishAndWait(board, Ledger.event(type, "k1", 0));
            ctx.await("the handler to start", 1, () -> started.getCount() == 0);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close, ScenarioContext.daemonThreads("s1-close"));
            ctx.await("the subscription to start closing", 1, () -> !first.isActive() || closing.isDone());
            ctx.quietWindow();
            boolean returnedEarly = closing.isDone();
            release.countDown();
            ctx.awaitDone(closing, "close() to return after the handler finished");
            if (returnedEarly) {
                throw new AssertionError("close() returned while the handler was still running");
            }
            if (interrupted.get()) {
                throw new AssertionError("the running handler was interrupted within the drain timeout");
            }

            board.subscribe(group, type, TckItem.class, ledger.handler(group, "second"));
            Ledger.Published marker = ledger.publishAndWait(board, Ledger.event(type, "k1", 1));
            ctx.await("the new member to handle the next event", 1,
                    () -> ledger.attempts(marker.eventId(), group).stream().anyMatch(Handling::success));
            ctx.quietWindow();
            ctx.expectExactlyOnce(group, type);
            List<Handling> attempts = ledger.attempts(event.eventId(), group);
            if (attempts.size() != 1 || !attempts.get(0).consumer().equals("first")) {
                throw new AssertionError("the event in flight at close was handled " + attempts.size()
                        + " time(s), expected once by the closed member: " + attempts);
            }
        } finally {
            release.countDown();
        }
    }

    /**
     * S2: with a short drain timeout, a subscription is closed while its handler blocks. The handler is
     * interrupted; the event is neither acknowledged, nor counted as a failure, nor dead-lettered (the publisher's
     * metrics count it as released); a member joining afterwards gets it, as the same attempt.
     */
    static void drainDeadlineExceeded(ScenarioContext ctx) throws Exception {
        Duration drain = ctx.timing().scale(Duration.ofMillis(300));
        Switchboard board = ctx.switchboard(b -> b.drainTimeout(drain));
        String type = ctx.type("item.recorded");
        String group = ctx.group("draining");
        Ledger ledger = ctx.ledger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Subscription first = board.subscribe(group, type, TckItem.class, ledger.handler(group, "first",
                (e, attempt) -> {
                    started.countDown();
                    try {
                        ctx.awaitLatch(never);
                    } catch (InterruptedException cancelled) {
                        interrupted.set(true);
                        throw cancelled;
                    }
                }));
        try {
            Ledger.Published event = ledger.publishAndWait(board, Ledger.event(type, "k1", 0));
            ctx.await("the handler to start", 1, () -> started.getCount() == 0);
            SwitchboardMetrics before = board.metrics();
            first.close();
            SwitchboardMetrics after = board.metrics();
            if (!interrupted.get()) {
                throw new AssertionError("the handler still running after the drain timeout of " + drain.toMillis()
                        + " ms was not interrupted");
            }
            List<String> problems = new ArrayList<>();
            if (after.released() - before.released() < 1) {
                problems.add("the cancelled delivery was not counted as released");
            }
            if (after.handlerFailures() != before.handlerFailures() || after.retries() != before.retries()) {
                problems.add("the cancelled delivery was counted as a failed attempt");
            }
            if (after.deadLettered() != before.deadLettered() || after.handled() != before.handled()) {
                problems.add("the cancelled delivery was dead-lettered or counted as handled");
            }

            board.subscribe(group, type, TckItem.class, ledger.handler(group, "second"));
            ctx.await("the cancelled event to be redelivered to a new member", 1,
                    () -> ledger.attempts(event.eventId(), group).stream().anyMatch(Handling::success));
            ctx.quietWindow();
            ctx.expectExactlyOnce(group, type);
            Handling redelivery = ledger.attempts(event.eventId(), group).stream().filter(Handling::success)
                    .findFirst().orElseThrow();
            if (!redelivery.consumer().equals("second")) {
                problems.add("the event was handled by " + redelivery.consumer() + ", not by the new member");
            }
            if (ctx.capabilities().attemptCounter() && redelivery.attempt() != 1) {
                problems.add("the redelivery is attempt " + redelivery.attempt() + ": the cancelled one used up "
                        + "an attempt");
            }
            SwitchboardMetrics end = board.metrics();
            if (end.handlerFailures() != 0 || end.deadLettered() != 0) {
                problems.add("metrics show " + end.handlerFailures() + " failure(s) and " + end.deadLettered()
                        + " dead letter(s)");
            }
            if (ctx.inspector().isPresent()) {
                long letters = ctx.inspector().get().deadLetters().stream()
                        .filter(d -> event.eventId().equals(d.get(DeadLetter.Keys.EVENT_ID))).count();
                if (letters > 0) {
                    problems.add("the cancelled event was dead-lettered");
                }
            }
            if (!problems.isEmpty()) {
                throw new AssertionError(String.join("; ", problems) + " (metrics before close " + before
                        + ", after " + after + ")");
            }
            ctx.figure("drain timeout ms", drain.toMillis());
            ctx.figure("released", after.released() - before.released());
        } finally {
            never.countDown();
        }
    }

    /**
     * S3: a group subscription (with a retry pending) and a broadcast subscription are closed; events published
     * afterwards reach a witness group but never the closed handlers, and no pending retry calls them. Then the
     * publisher closes and the witness is not called after that. Both report themselves inactive. (The catalogue's
     * "message-scoped context is cancelled" has no counterpart: the API has no per-message context to cancel.)
     */
    static void nothingAfterClose(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("closed");
        String broadcast = "broadcast";
        String witness = ctx.group("witness");
        Ledger ledger = ctx.ledger();
        int n = 20;
        AtomicBoolean subscriptionsClosed = new AtomicBoolean();
        AtomicBoolean publisherClosed = new AtomicBoolean();
        List<String> late = new CopyOnWriteArrayList<>();
        Subscription groupSub = board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1",
                (e, attempt) -> {
                    if (subscriptionsClosed.get()) {
                        late.add("group handler got #" + e.data().seq() + " attempt " + attempt);
                    }
                    if (e.data().seq() == n - 1 && attempt < 3) {
                        throw new IllegalStateException("planned failure: a retry is pending at close");
                    }
                }));
        Subscription broadcastSub = board.broadcast(type, TckItem.class, ledger.handler(broadcast, "c1",
                (e, attempt) -> {
                    if (subscriptionsClosed.get()) {
                        late.add("broadcast handler got #" + e.data().seq());
                    }
                }));
        Subscription witnessSub = board.subscribe(witness, type, TckItem.class, ledger.handler(witness, "c1",
                (e, attempt) -> {
                    if (publisherClosed.get()) {
                        late.add("witness got #" + e.data().seq() + " after the publisher closed");
                    }
                }));
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(type, "k" + i, i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(broadcast, n);
        ctx.awaitHandled(group, n - 1);
        String retried = ledger.publishes().get(n - 1).eventId();
        ctx.await("the planned failure", 1, () -> !ledger.attempts(retried, group).isEmpty());
        groupSub.close();
        broadcastSub.close();
        subscriptionsClosed.set(true);

        for (int i = n; i < 2 * n; i++) {
            ledger.publish(board, Ledger.event(type, "k" + i, i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(witness, 2 * n);
        ctx.quietWindow(); // covers the pending retry's back-off and redelivery latency
        board.close();
        publisherClosed.set(true);
        ctx.quietWindow();
        ctx.expectExactlyOnce(witness, type);
        if (!late.isEmpty()) {
            throw new AssertionError(late.size() + " handler call(s) after close() returned, e.g. "
                    + late.subList(0, Math.min(5, late.size())));
        }
        List<String> active = new ArrayList<>();
        if (groupSub.isActive()) {
            active.add("group subscription");
        }
        if (broadcastSub.isActive()) {
            active.add("broadcast subscription");
        }
        if (witnessSub.isActive()) {
            active.add("subscription of the closed publisher");
        }
        if (!active.isEmpty()) {
            throw new AssertionError("still active after close: " + active);
        }
    }

    /**
     * S4: events are published asynchronously to a subscriber on the same publisher whose handlers wait until every
     * publish completed, so a backlog is certain; then {@code close()}. Every publish that completed ok was handled
     * by the time {@code close()} returned; a failed one failed with a {@link SwitchboardException}.
     */
    static void closeFlushes(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("flushed");
        Ledger ledger = ctx.ledger();
        int n = 200;
        CountDownLatch published = new CountDownLatch(1);
        AtomicInteger waited = new AtomicInteger();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            if (published.getCount() > 0) {
                waited.incrementAndGet();
                ctx.awaitLatch(published);
            }
        }));
        try {
            for (int i = 0; i < n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.awaitPublishes();
        } finally {
            published.countDown();
        }
        long backlog = ledger.count(Outcome.OK) - ledger.handledEvents(group);
        board.close();
        Set<String> handledAtClose = ledger.successes(group).stream().map(Handling::eventId)
                .collect(Collectors.toSet());
        List<String> lost = new ArrayList<>();
        List<String> untyped = new ArrayList<>();
        for (Published p : ledger.publishes()) {
            if (p.outcome() == Outcome.OK && !handledAtClose.contains(p.eventId())) {
                lost.add("#" + p.seq());
            } else if (p.outcome() != Outcome.OK && !(p.failure() instanceof SwitchboardException)) {
                untyped.add("#" + p.seq() + ": " + p.failure());
            }
        }
        ctx.figure("backlog at close", backlog);
        if (!lost.isEmpty()) {
            throw new AssertionError(lost.size() + " publish(es) completed ok but were not handled when close() "
                    + "returned, e.g. " + lost.subList(0, Math.min(5, lost.size())));
        }
        if (!untyped.isEmpty()) {
            throw new AssertionError("publishes failed with something else than a SwitchboardException, e.g. "
                    + untyped.get(0));
        }
        ctx.expect(group, Checker.ofType(type), 0, false);
    }

    /**
     * S6: with the broker stopped, closing a subscription and then the publisher returns within the contract's
     * bound: one drain deadline each for the flush, the subscriptions and the driver, plus the progress timeout as
     * slack. No stop or start bound is declared, so that is all that is asserted about time. Once the broker is
     * back, a new publisher subscribes, publishes and handles an event.
     */
    static void stopWhileBrokerDown(ScenarioContext ctx) throws Exception {
        BrokerControl control = ctx.brokerControl().orElseThrow(() -> new InfrastructureMissing(
                "needs broker control to stop the broker"));
        Duration drain = ctx.timing().scale(Duration.ofSeconds(2));
        Switchboard board = ctx.switchboard(b -> b.drainTimeout(drain));
        String type = ctx.type("item.recorded");
        String group = ctx.group("stopping");
        Ledger ledger = ctx.ledger();
        Subscription sub = board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        ledger.publishAndWait(board, Ledger.event(type, "k1", 0));
        ctx.awaitHandled(group, 1);
        Duration bound = drain.multipliedBy(3).plus(ctx.timing().progressTimeout());
        control.stop();
        try {
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
                sub.close();
                board.close();
            }, ScenarioContext.daemonThreads("s6-close"));
            try {
                closing.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("closing did not return within " + bound.toMillis() + " ms while the "
                        + "broker was stopped (drain timeout " + drain.toMillis() + " ms)");
            }
        } finally {
            control.start();
        }
        Switchboard again = ctx.newSwitchboard(UnaryOperator.identity());
        String restarted = ctx.group("restarted");
        again.subscribe(restarted, type, TckItem.class, ledger.handler(restarted, "c1"));
        Ledger.Published p = ledger.publishAndWait(again, Ledger.event(type, "k1", 1));
        if (p.outcome() != Outcome.OK) {
            throw new AssertionError("a new publisher could not publish after the broker came back: "
                    + p.failure());
        }
        ctx.await("the new publisher's subscriber to handle an event", 1,
                () -> ledger.attempts(p.eventId(), restarted).stream().anyMatch(Handling::success));
        ctx.figure("close bound ms", bound.toMillis());
    }



}
