package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities.Delivery;
import io.switchboard.Capabilities.LateGroupStart;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Group M of the catalogue: every group gets its own copy. */
public final class FanOutScenarios {

    private FanOutScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("M1", "two (and five) groups each receive every event exactly once",
                        FanOutScenarios::everyGroupGetsEverything).when(Gates.FAN_OUT),
                Scenario.must("M2", "a group created after publishing starts as lateGroupStart declares",
                        FanOutScenarios::lateGroupStart).when(Gates.FAN_OUT),
                Scenario.must("M3", "a failing, slow group neither holds up nor leaks into another group",
                        FanOutScenarios::groupsAreIndependent).when(Gates.FAN_OUT),
                Scenario.must("M4", "a broadcast subscriber gets only what is published while it is open",
                        FanOutScenarios::broadcastHasNoBacklog).when(Gates.FAN_OUT));
    }

    /** M1: with 2 groups, then with 5. */
    static void everyGroupGetsEverything(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        int n = ctx.sizes().fanOut();
        for (int groups : new int[] {2, 5}) {
            String type = ctx.type("item.recorded-" + groups);
            List<String> names = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                String group = ctx.group(groups + "-g" + g);
                names.add(group);
                board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
            }
            for (int i = 0; i < n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + (i % 4), i));
            }
            ctx.awaitPublishes();
            for (String group : names) {
                ctx.awaitHandled(group, n);
            }
            ctx.quietWindow();
            for (String group : names) {
                ctx.expectExactlyOnce(group, type);
            }
        }
    }

    /**
     * M2: group A exists and handles n early events; group B subscribes only then, and n late events follow.
     * LATEST: B gets every late event and none of the early ones (watched for a quiet window). EARLIEST: B gets
     * both. The declaration picks the direction asserted; A gets everything either way.
     */
    static void lateGroupStart(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String early = ctx.type("item.early");
        String late = ctx.type("item.late");
        String groupA = ctx.group("existing");
        String groupB = ctx.group("late");
        Ledger ledger = ctx.ledger();
        int n = ctx.sizes().fanOut();
        board.subscribe(groupA, ctx.allTypes(), TckItem.class, ledger.handler(groupA, "c1"));
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(early, "k" + (i % 4), i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(groupA, n);

        board.subscribe(groupB, ctx.allTypes(), TckItem.class, ledger.handler(groupB, "c1"));
        for (int i = n; i < 2 * n; i++) {
            ledger.publish(board, Ledger.event(late, "k" + (i % 4), i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(groupA, 2 * n);
        Set<String> lateIds = ids(ledger, late);
        ctx.await("group " + groupB + " to handle the " + n + " late events", n,
                () -> ledger.successes(groupB).stream().map(Handling::eventId).filter(lateIds::contains)
                        .distinct().count() >= n);
        LateGroupStart declared = ctx.capabilities().lateGroupStart();
        if (declared == LateGroupStart.EARLIEST) {
            ctx.awaitHandled(groupB, 2 * n);
        }
        ctx.quietWindow();
        ctx.expect(groupA, Checker.all(), 0, false);
        Set<String> earlyIds = ids(ledger, early);
        long earlySeen = ledger.successes(groupB).stream().map(Handling::eventId).filter(earlyIds::contains)
                .distinct().count();
        ctx.figure("lateGroupStart", declared.name());
        ctx.figure("early events in the late group", earlySeen);
        if (declared == LateGroupStart.EARLIEST) {
            ctx.expect(groupB, Checker.all(), 0, false);
        } else {
            ctx.expect(groupB, Checker.ofType(late), 0, false); // an early event counts as unexpected
        }
    }

    /**
     * M3: group A's handler always fails, and its first invocation is also slow: it waits until group B has
     * handled everything. B gets every event exactly once, each on its first attempt (A's attempts are not B's),
     * and none of A's retries or dead letters. A's events go through all their attempts meanwhile.
     */
    static void groupsAreIndependent(ScenarioContext ctx) throws Exception {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String groupA = ctx.group("failing");
        String groupB = ctx.group("healthy");
        Ledger ledger = ctx.ledger();
        int n = ctx.sizes().fanOut();
        CountDownLatch bDone = new CountDownLatch(1);
        AtomicBoolean slowed = new AtomicBoolean();
        AtomicBoolean bBlockedByA = new AtomicBoolean();
        board.subscribe(groupA, type, TckItem.class, ledger.handler(groupA, "c1", (e, attempt) -> {
            if (slowed.compareAndSet(false, true)
                    && !bDone.await(ctx.timing().deadline(n).toMillis(), TimeUnit.MILLISECONDS)) {
                bBlockedByA.set(true);
            }
            throw new IllegalStateException("group A always fails");
        }));
        board.subscribe(groupB, type, TckItem.class, ledger.handler(groupB, "c1"));
        try {
            for (int i = 0; i < n; i++) {
                ledger.publish(board, Ledger.event(type, "k" + i, i)); // own keys: A's retries block no one
            }
            ctx.awaitPublishes();
            ctx.await("group B to handle every event while group A is stuck and failing", n,
                    () -> ledger.handledEvents(groupB) >= n || bBlockedByA.get());
            if (bBlockedByA.get()) {
                throw new AssertionError("group B did not get every event while group A's handler was slow");
            }
            bDone.countDown();
            boolean retried = ctx.capabilities().delivery() == Delivery.AT_LEAST_ONCE;
            int attempts = retried ? ScenarioContext.RETRY_POLICY.maxAttempts() : 1;
            ctx.await("group A to use up its attempts", n * attempts, () -> ledger.publishes().stream()
                    .allMatch(p -> ledger.attempts(p.eventId(), groupA).size() >= attempts));
            ctx.quietWindow();
            ctx.expectExactlyOnce(groupB, type);
            if (ctx.capabilities().attemptCounter()) {
                List<Handling> notFirst = ledger.handlings(groupB).stream().filter(h -> h.attempt() != 1).toList();
                if (!notFirst.isEmpty()) {
                    throw new AssertionError(notFirst.size() + " of group B's deliveries carried another attempt "
                            + "number than 1, e.g. " + notFirst.get(0));
                }
            }
            ctx.figure("group A attempts", ledger.handlings(groupA).size());
            ctx.figure("group B invocations", ledger.handlings(groupB).size());
        } finally {
            bDone.countDown();
        }
    }

    /**
     * M4: events published before a broadcast subscription opens, and after it closed, never reach it; events
     * published while it is open all do; subscribing again brings no backlog. A durable group receiving everything
     * shows that the events it must not get were delivered elsewhere meanwhile.
     */
    static void broadcastHasNoBacklog(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String before = ctx.type("item.before");
        String during = ctx.type("item.during");
        String after = ctx.type("item.after");
        String again = ctx.type("item.again");
        String witness = ctx.group("witness");
        Ledger ledger = ctx.ledger();
        int n = ctx.sizes().fanOut();
        board.subscribe(witness, ctx.allTypes(), TckItem.class, ledger.handler(witness, "c1"));

        publish(ctx, before, 0, n);
        ctx.awaitHandled(witness, n);

        String first = "broadcast-1";
        AtomicBoolean firstClosed = new AtomicBoolean();
        AtomicBoolean calledAfterClose = new AtomicBoolean();
        Subscription sub = board.broadcast(ctx.allTypes(), TckItem.class, ledger.handler(first, "c1",
                (e, attempt) -> {
                    if (firstClosed.get()) {
                        calledAfterClose.set(true);
                    }
                }));
        publish(ctx, during, n, n);
        ctx.awaitHandled(first, n);
        sub.close();
        firstClosed.set(true);
        publish(ctx, after, 2 * n, n);
        ctx.awaitHandled(witness, 3 * n);

        String second = "broadcast-2";
        board.broadcast(ctx.allTypes(), TckItem.class, ledger.handler(second, "c1"));
        ctx.quietWindow(); // a backlog would arrive now
        publish(ctx, again, 3 * n, n);
        ctx.awaitHandled(second, n);
        ctx.awaitHandled(witness, 4 * n);
        ctx.quietWindow();

        ctx.expect(witness, Checker.all(), 0, false);
        ctx.expect(first, Checker.ofType(during), 0, false); // anything else counts as unexpected
        ctx.expect(second, Checker.ofType(again), 0, false);
        if (calledAfterClose.get()) {
            throw new AssertionError("the closed broadcast subscription's handler was called after close()");
        }
    }

    private static void publish(ScenarioContext ctx, String type, int from, int count) {
        for (int i = from; i < from + count; i++) {
            ctx.ledger().publish(ctx.switchboard(), Ledger.event(type, "k" + (i % 4), i));
        }
        ctx.awaitPublishes();
    }

    private static Set<String> ids(Ledger ledger, String type) {
        Set<String> ids = new HashSet<>();
        ledger.publishes(Checker.ofType(type)).forEach(p -> ids.add(p.eventId()));
        return ids;
    }
}
