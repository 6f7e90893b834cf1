package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities.Delivery;
import io.switchboard.Capabilities.Ordering;
import io.switchboard.Subscription;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.tck.Profile;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Outcome;
import io.switchboard.tck.internal.Ledger.Published;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** Group K of the catalogue: many threads at once, on both sides. */
public final class ConcurrencyScenarios {

    private ConcurrencyScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("K1", "many threads publishing at once: nothing lost, duplicated or unexpected",
                        ConcurrencyScenarios::concurrentPublishers),
                Scenario.must("K2", "subscriptions opened and closed concurrently leak no handler",
                        ConcurrencyScenarios::subscriptionChurn),
                Scenario.must("K3", "many topics published at once: each gets exactly its own",
                        ConcurrencyScenarios::concurrentTopics),
                Scenario.must("K4", "close racing publish: an accepted publish is handled before close returns",
                        ConcurrencyScenarios::closeRacesPublish),
                Scenario.must("K5", "handlers held for a while with a backlog resume and deliver everything",
                        ConcurrencyScenarios::backpressureAndResume),
                Scenario.notVerified("K6", Scenario.Level.SHOULD,
                        "client-side buffering stays within the declared prefetch",
                        "Capabilities declares no prefetch, and DriverInspector reads only dead letters, not the "
                                + "events a driver buffers client-side; with neither a bound nor a way to observe "
                                + "the buffer, the kit cannot check it"),
                Scenario.must("K7", "the handler never runs concurrently for one key",
                        ConcurrencyScenarios::neverConcurrentPerKey)
                        .when(Gates.orderingAtLeast(Ordering.PER_KEY_SINGLE_CONSUMER)));
    }

    /** K1: {@code publishers} threads, started together, each publish {@code perPublisher} events. */
    static void concurrentPublishers(ScenarioContext ctx) throws Exception {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("workers");
        Ledger ledger = ctx.ledger();
        int threads = ctx.sizes().publishers();
        int perThread = ctx.sizes().perPublisher();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        runTogether(ctx, "k1-publisher", threads, t -> {
            for (int i = 0; i < perThread; i++) {
                ledger.publish(board, Ledger.event(type, "p" + t, i));
            }
        });
        ctx.awaitPublishes();
        requireAllPublished(ledger);
        int n = threads * perThread;
        ctx.awaitHandled(group, n);
        ctx.quietWindow();
        ctx.expectExactlyOnce(group, type);
        ctx.figure("threads", threads);
    }

    /**
     * K2: 10 threads each open and close broadcast subscriptions in a loop while events are published; then a
     * fresh subscriber gets all of 50 events exactly once, and no churned subscription's handler is called after
     * its {@code close()} returned (a leaked consumer).
     */
    static void subscriptionChurn(ScenarioContext ctx) throws Exception {
        Switchboard board = ctx.switchboard();
        String churned = ctx.type("item.churned");
        String after = ctx.type("item.after");
        Ledger ledger = ctx.ledger();
        int threads = 10;
        int cycles = ctx.profile() == Profile.SMOKE ? 20 : 100;
        AtomicInteger handledWhileOpen = new AtomicInteger();
        List<String> leaks = new CopyOnWriteArrayList<>();
        AtomicBoolean churning = new AtomicBoolean(true);
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            for (int i = 0; churning.get(); i++) {
                ledger.publishAndWait(board, Ledger.event(churned, "k" + (i % 8), i));
            }
        }, ScenarioContext.daemonThreads("k2-publisher"));
        try {
            runTogether(ctx, "k2-churn", threads, t -> {
                for (int c = 0; c < cycles; c++) {
                    AtomicBoolean closed = new AtomicBoolean();
                    String name = "churn-" + t + "-" + c;
                    Subscription s = board.broadcast(ctx.allTypes(), TckItem.class, e -> {
                        if (closed.get()) {
                            leaks.add(name + " got " + e.data().key() + "#" + e.data().seq());
                        } else {
                            handledWhileOpen.incrementAndGet();
                        }
                    });
                    if (c % 2 == 0) {
                        Thread.yield();
                    }
                    s.close();
                    closed.set(true);
                }
            });
        } finally {
            churning.set(false);
        }
        ctx.awaitDone(publishing, "the publisher to stop");

        String fresh = "fresh";
        board.broadcast(after, TckItem.class, ledger.handler(fresh, "c1"));
        int n = 50;
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(after, "k" + (i % 8), i));
        }
        ctx.awaitPublishes();
        requireAllPublished(ledger);
        ctx.awaitHandled(fresh, n);
        ctx.quietWindow();
        ctx.expectExactlyOnce(fresh, after);
        ctx.figure("subscriptions churned", threads * cycles);
        ctx.figure("events handled by churned subscriptions while open", handledWhileOpen.get());
        ctx.figure("leaks", leaks.size());
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " handler call(s) after the subscription's close() returned, "
                    + "e.g. " + leaks.subList(0, Math.min(5, leaks.size())));
        }
    }

    /** K3: {@code topics} types, one thread and one group each, {@code perTopic} events each, all at once. */
    static void concurrentTopics(ScenarioContext ctx) throws Exception {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        int topics = ctx.sizes().topics();
        int perTopic = ctx.sizes().perTopic();
        List<String> types = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (int t = 0; t < topics; t++) {
            types.add(ctx.type("topic-" + t + ".recorded"));
            groups.add(ctx.group("topic-" + t));
            board.subscribe(groups.get(t), types.get(t), TckItem.class, ledger.handler(groups.get(t), "c1"));
        }
        runTogether(ctx, "k3-publisher", topics, t -> {
            for (int i = 0; i < perTopic; i++) {
                ledger.publish(board, Ledger.event(types.get(t), "k" + (i % 4), i));
            }
        });
        ctx.awaitPublishes();
        requireAllPublished(ledger);
        for (String group : groups) {
            ctx.awaitHandled(group, perTopic);
        }
        ctx.quietWindow();
        for (int t = 0; t < topics; t++) {
            ctx.expectExactlyOnce(groups.get(t), types.get(t)); // another topic's event counts as unexpected
        }
        ctx.figure("topics", topics);
    }

    /**
     * K4: a thread publishes continuously (asynchronously) to a group of the same publisher while another closes
     * the publisher. Every publish that completed ok was handled by the time {@code close()} returned (the
     * publisher flushes accepted events to its open members before closing them); every other publish failed
     * with a {@link SwitchboardException}. A race, so it runs several rounds, each with its own publisher.
     */
    static void closeRacesPublish(ScenarioContext ctx) throws Exception {
        Ledger ledger = ctx.ledger();
        int rounds = ctx.profile() == Profile.SMOKE ? 5 : 20;
        int okTotal = 0;
        int failedTotal = 0;
        for (int round = 0; round < rounds; round++) {
            Switchboard board = round == 0 ? ctx.switchboard() : ctx.newSwitchboard(UnaryOperator.identity());
            String type = ctx.type("item.round-" + round);
            String group = ctx.group("round-" + round);
            board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
            AtomicInteger failuresAfterClose = new AtomicInteger();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                for (int i = 0; failuresAfterClose.get() < 10 && i < 100_000; i++) {
                    CompletableFuture<?> f = ledger.publish(board, Ledger.event(type, "k" + (i % 8), i));
                    if (board.isClosed() && f.isCompletedExceptionally()) {
                        failuresAfterClose.incrementAndGet();
                    }
                }
            }, ScenarioContext.daemonThreads("k4-publisher"));
            ctx.await("the publisher to be flowing", 20, () -> ledger.handledEvents(group) >= 20
                    || publishing.isDone());
            board.close();
            Set<String> handledAtClose = ledger.successes(group).stream().map(Ledger.Handling::eventId)
                    .collect(Collectors.toSet());
            ctx.awaitDone(publishing, "the publishing thread to stop after close");
            ctx.awaitPublishes();

            List<Published> mine = ledger.publishes(Checker.ofType(type));
            List<String> lost = new ArrayList<>();
            List<String> untyped = new ArrayList<>();
            for (Published p : mine) {
                if (p.outcome() == Outcome.OK) {
                    okTotal++;
                    if (!handledAtClose.contains(p.eventId())) {
                        lost.add("#" + p.seq());
                    }
                } else {
                    failedTotal++;
                    if (!(p.failure() instanceof SwitchboardException)) {
                        untyped.add("#" + p.seq() + ": " + p.failure());
                    }
                }
            }
            if (!lost.isEmpty()) {
                throw new AssertionError("round " + round + ": " + lost.size() + " publish(es) completed ok but "
                        + "were not handled when close() returned, e.g. " + lost.subList(0, Math.min(5,
                        lost.size())));
            }
            if (!untyped.isEmpty()) {
                throw new AssertionError("round " + round + ": publishes failed with something else than a "
                        + "SwitchboardException, e.g. " + untyped.subList(0, Math.min(3, untyped.size())));
            }
            ctx.expect(group, Checker.ofType(type), 0, false);
        }
        ctx.figure("rounds", rounds);
        ctx.figure("ok publishes", okTotal);
        ctx.figure("failed publishes", failedTotal);
    }

    /**
     * K5: a subscription with {@code maxConcurrency = n/2} gets a backlog of n events; its first n/2 invocations
     * are held (unacknowledged) while n more are published, for a while (0.5 s in smoke, 5 s otherwise), then
     * released. Every event is then handled exactly once.
     */
    static void backpressureAndResume(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("held");
        Ledger ledger = ctx.ledger();
        int n = ctx.profile() == Profile.SMOKE ? 20 : 200;
        int held = n / 2;
        Duration hold = ctx.timing().scale(ctx.profile() == Profile.SMOKE ? Duration.ofMillis(500)
                : Duration.ofSeconds(5));
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1",
                (e, attempt) -> {
                    if (started.incrementAndGet() <= held) {
                        ctx.awaitLatch(release);
                    }
                })).withMaxConcurrency(held));
        try {
            for (int i = 0; i < n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.await(held + " invocations to be held", held, () -> started.get() >= held);
            for (int i = n; i < 2 * n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i));
            }
            ctx.awaitPublishes();
            requireAllPublished(ledger);
            ScenarioContext.pause(hold.toMillis());
            long handledWhileHeld = ledger.handledEvents(group);
            release.countDown();
            ctx.awaitHandled(group, 2 * n);
            ctx.quietWindow();
            ctx.expectExactlyOnce(group, type);
            ctx.figure("held", held);
            ctx.figure("hold ms", hold.toMillis());
            ctx.figure("handled while held", handledWhileHeld);
        } finally {
            release.countDown();
        }
    }

    /**
     * K7: a few keys, many events, handlers overlapping across keys (several members when ordering is PER_KEY,
     * high concurrency each, some failed first attempts so retries are in the mix): no two invocations of one key
     * ever overlap.
     */
    static void neverConcurrentPerKey(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("keyed");
        Ledger ledger = ctx.ledger();
        boolean competing = ctx.capabilities().ordering().compareTo(Ordering.PER_KEY) >= 0
                && ctx.capabilities().competingConsumers();
        boolean retries = ctx.capabilities().delivery() == Delivery.AT_LEAST_ONCE;
        int members = competing ? 3 : 1;
        int keys = 4;
        int n = 2 * ctx.sizes().ordered();
        Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        for (int m = 0; m < members; m++) {
            board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group,
                    "member-" + m, (e, attempt) -> {
                        AtomicInteger mine = active.computeIfAbsent(e.data().key(), k -> new AtomicInteger());
                        if (mine.incrementAndGet() > 1) {
                            overlaps.add(e.data().key() + "#" + e.data().seq() + " attempt " + attempt);
                        }
                        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                            LockSupport.parkNanos(200_000); // widen the window an overlap would show in
                            if (retries && attempt == 1 && e.data().seq() % 10 == 3) {
                                throw new IllegalStateException("planned failure of the first attempt");
                            }
                        } finally {
                            running.decrementAndGet();
                            mine.decrementAndGet();
                        }
                    })).withMaxConcurrency(8));
        }
        Map<String, Long> next = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String key = "key-" + ctx.random().nextInt(keys);
            ledger.publish(board, Ledger.event(type, key, next.merge(key, 1L, Long::sum) - 1));
        }
        ctx.awaitPublishes();
        requireAllPublished(ledger);
        ctx.awaitHandled(group, n);
        ctx.quietWindow();
        ctx.expect(group, Checker.ofType(type), 0, false);
        ctx.figure("members", members);
        ctx.figure("peak concurrent invocations", peak.get());
        ctx.figure("same-key overlaps", overlaps.size());
        if (!overlaps.isEmpty()) {
            throw new AssertionError(overlaps.size() + " invocation(s) started while another of the same key was "
                    + "running, e.g. " + overlaps.subList(0, Math.min(5, overlaps.size())));
        }
    }

    /** Fault-free scenarios need every publish to succeed; a failure is reported with its cause. */
    private static void requireAllPublished(Ledger ledger) {
        List<Published> failed = ledger.publishes(p -> p.outcome() != Outcome.OK);
        if (!failed.isEmpty()) {
            throw new AssertionError(failed.size() + " publish(es) did not succeed, e.g. #" + failed.get(0).seq()
                    + ": " + failed.get(0).failure());
        }
    }

    /** Something one of several threads does; {@code index} tells which. */
    @FunctionalInterface
    private interface Task {
        void run(int index) throws Exception;
    }

    /** Runs {@code task} on {@code threads} threads released at once; rethrows the first failure. */
    private static void runTogether(ScenarioContext ctx, String name, int threads, Task task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    task.run(index);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, ScenarioContext.daemonThreads(name + "-" + t)));
        }
        start.countDown();
        for (CompletableFuture<Void> f : running) {
            try {
                ctx.awaitDone(f, "thread " + name + " to finish");
            } catch (ExecutionException e) {
                throw new AssertionError(name + " failed: " + e.getCause(), e.getCause());
            }
        }
    }



}
