package io.switchboard.tck.scenarios;

import io.switchboard.Subscription;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Group G of the catalogue: members of one group share the work. */
public final class CompetingConsumerScenarios {

    private CompetingConsumerScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("G1", "members of one group together handle every event once",
                        CompetingConsumerScenarios::unionIsEverythingOnce).when(Gates.COMPETING),
                Scenario.should("G2", "the load is spread over every member",
                        CompetingConsumerScenarios::loadIsSpread).when(Gates.COMPETING),
                Scenario.must("G3", "a member leaving mid-stream loses nothing",
                        CompetingConsumerScenarios::memberLeaves)
                        .when(Gates.COMPETING.and(Gates.SURVIVES_CONSUMER_RESTART)),
                Scenario.must("G4", "a member joining mid-stream loses and duplicates nothing",
                        CompetingConsumerScenarios::memberJoins).when(Gates.COMPETING),
                Scenario.must("G5", "maxConcurrency 10: exactly 10 handlers at once given a backlog, never more",
                        CompetingConsumerScenarios::concurrencyLimit));
    }

    /** G1: the union of the members' deliveries is everything published; duplicates are counted (0 allowed). */
    static void unionIsEverythingOnce(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("workers");
        Ledger ledger = ctx.ledger();
        int members = ctx.sizes().members();
        for (int m = 0; m < members; m++) {
            board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-" + m));
        }
        int n = ctx.sizes().competing();
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(type, "k" + ctx.random().nextInt(32), i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(group, n);
        ctx.quietWindow(); // duplicates may trail the last first delivery
        ctx.expectExactlyOnce(group, type);
        ctx.figure("members", members);
    }

    /**
     * G2: with at least 10 events per member (each with its own key), every member handles at least one. No skew
     * is declared, so the largest share is reported as a figure, not asserted.
     */
    static void loadIsSpread(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("workers");
        Ledger ledger = ctx.ledger();
        int members = ctx.sizes().members();
        for (int m = 0; m < members; m++) {
            board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-" + m));
        }
        int n = Math.max(ctx.sizes().competing(), 10 * members);
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(type, "k" + i, i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(group, n);
        ctx.quietWindow();
        ctx.expectExactlyOnce(group, type);
        Map<String, Integer> shares = new TreeMap<>();
        for (int m = 0; m < members; m++) {
            shares.put("member-" + m, 0);
        }
        ledger.successes(group).forEach(h -> shares.merge(h.consumer(), 1, Integer::sum));
        List<String> idle = shares.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey)
                .toList();
        int max = shares.values().stream().max(Integer::compare).orElse(0);
        int min = shares.values().stream().min(Integer::compare).orElse(0);
        ctx.figure("members", members);
        ctx.figure("max share", percent(max, n));
        ctx.figure("min share", percent(min, n));
        ctx.figure("declared skew", "none (not asserted)");
        if (!idle.isEmpty()) {
            throw new AssertionError(idle.size() + " of " + members + " members handled no event out of " + n + ": "
                    + idle + " (handled per member: " + shares + ")");
        }
    }

    /**
     * G3, graceful variant: half the events are published, a member closes while its handlers are running (they
     * wait), a quarter is published while it is closing, its handlers are released, and the last quarter follows
     * once its close returned. The events it holds are finished, and those it has not handled go to the
     * survivors: lost = 0, duplicates = 0, and the leaver's handler is not called after its close returned. The
     * crash variant (no graceful close) needs broker control and is X5.
     */
    static void memberLeaves(ScenarioContext ctx) throws Exception {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("workers");
        Ledger ledger = ctx.ledger();
        int members = Math.max(2, ctx.sizes().members());
        int n = ctx.sizes().competing();
        AtomicInteger leaverHolding = new AtomicInteger();
        AtomicInteger leaverReturned = new AtomicInteger();
        AtomicBoolean leaverClosed = new AtomicBoolean();
        AtomicInteger calledAfterClose = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Subscription leaver = board.subscribe(group, type, TckItem.class, ledger.handler(group, "leaver",
                (e, attempt) -> {
                    if (leaverClosed.get()) {
                        calledAfterClose.incrementAndGet();
                    }
                    leaverHolding.incrementAndGet();
                    try {
                        ctx.awaitLatch(release);
                    } finally {
                        leaverReturned.incrementAndGet();
                    }
                }));
        for (int m = 1; m < members; m++) {
            board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-" + m));
        }
        try {
            for (int i = 0; i < n / 2; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.await("the leaving member to be handling an event", 1, () -> leaverHolding.get() > 0);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
                leaver.close();
                leaverClosed.set(true);
            }, ScenarioContext.daemonThreads("g3-leave"));
            ctx.await("the member to start leaving", 1, () -> !leaver.isActive() || closing.isDone());
            for (int i = n / 2; i < 3 * n / 4; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            int heldAtClose = leaverHolding.get();
            release.countDown();
            ctx.awaitDone(closing, "closing the leaving member after its handlers were released");
            // A correct close has waited for them already; a leaked member must be idle again, so the last quarter
            // reaches it if it is still in the group.
            ctx.await("the leaving member's handlers to return", 1,
                    () -> leaverReturned.get() == leaverHolding.get());
            for (int i = 3 * n / 4; i < n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.awaitPublishes();
            ctx.awaitHandled(group, n);
            ctx.quietWindow();
            ctx.expectExactlyOnce(group, type);
            if (calledAfterClose.get() > 0) {
                throw new AssertionError("the leaving member's handler was called " + calledAfterClose.get()
                        + " time(s) after its close() returned");
            }
            ctx.figure("members", members);
            ctx.figure("in flight on the leaver at close", heldAtClose);
            ctx.figure("handled by survivors", ledger.successes(group).stream()
                    .filter(h -> !h.consumer().equals("leaver")).count());
            ctx.figure("crash variant", "X5");
        } finally {
            release.countDown();
        }
    }

    /**
     * G4: half the members hold the first events (their handlers wait) while the other half joins, so the joiners
     * arrive with a backlog; then the rest is published. Nothing is lost and, fault-free, nothing duplicated: no
     * duplicate budget is declared, so none is allowed.
     */
    static void memberJoins(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("workers");
        Ledger ledger = ctx.ledger();
        int members = Math.max(2, ctx.sizes().members());
        int initial = members / 2;
        int n = ctx.sizes().competing();
        AtomicInteger holding = new AtomicInteger();
        CountDownLatch joined = new CountDownLatch(1);
        for (int m = 0; m < initial; m++) {
            board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-" + m, (e, attempt) -> {
                holding.incrementAndGet();
                ctx.awaitLatch(joined);
            }));
        }
        try {
            for (int i = 0; i < n / 2; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.await("the first members to be handling events", 1, () -> holding.get() > 0);
            for (int m = initial; m < members; m++) {
                board.subscribe(group, type, TckItem.class, ledger.handler(group, "joiner-" + m));
            }
            joined.countDown();
            for (int i = n / 2; i < n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.awaitPublishes();
            ctx.awaitHandled(group, n);
            ctx.quietWindow();
            ctx.expectExactlyOnce(group, type);
            ctx.figure("members before", initial);
            ctx.figure("joined", members - initial);
            ctx.figure("handled by joiners", ledger.successes(group).stream()
                    .filter(h -> h.consumer().startsWith("joiner-")).count());
        } finally {
            joined.countDown();
        }
    }

    /**
     * G5: a subscription with {@code maxConcurrency = 10} and a backlog of 50 events with distinct keys. Handlers
     * wait until 10 are running; the kit then watches a quiet window (an 11th would start in it), releases them and
     * checks the peak over the whole run is exactly 10. The limit is fixed when subscribing: the API has no way to
     * change it at runtime, so the catalogue's "changing the limit at runtime" is not checked.
     */
    static void concurrencyLimit(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("limited");
        Ledger ledger = ctx.ledger();
        int limit = 10;
        int n = 5 * limit;
        AtomicInteger active = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch open = new CountDownLatch(1);
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1",
                (e, attempt) -> {
                    peak.accumulateAndGet(active.incrementAndGet(), Math::max);
                    try {
                        ctx.awaitLatch(open);
                    } finally {
                        active.decrementAndGet();
                    }
                })).withMaxConcurrency(limit));
        try {
            for (int i = 0; i < n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.awaitPublishes();
            try {
                ctx.await(limit + " concurrent invocations", limit, () -> peak.get() >= limit);
            } catch (AssertionError notReached) {
                throw new AssertionError("with a backlog of " + n + " events, at most " + peak.get()
                        + " handler invocations ran at once, expected " + limit + " (" + notReached.getMessage()
                        + ")");
            }
            ctx.quietWindow(); // with 10 held, a driver ignoring the limit starts an 11th here
            int peakWhileHeld = peak.get();
            open.countDown();
            ctx.awaitHandled(group, n);
            ctx.quietWindow();
            ctx.expectExactlyOnce(group, type);
            ctx.figure("max concurrency", limit);
            ctx.figure("peak", peak.get());
            ctx.figure("changing the limit at runtime", "not in the API");
            if (peakWhileHeld != limit || peak.get() != limit) {
                throw new AssertionError("the peak of concurrent invocations was " + Math.max(peakWhileHeld,
                        peak.get()) + ", the subscription's maxConcurrency is " + limit);
            }
        } finally {
            open.countDown();
        }
    }

    private static String percent(int part, int whole) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / Math.max(1, whole));
    }



}
