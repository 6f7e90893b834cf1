package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.tck.HybridLegs;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Ledger.Outcome;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import io.switchboard.tck.scenarios.BrokerFaultScenarios.Outage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Group H of the catalogue: the hybrid driver (DESIGN.md), which sends every event to a reliable queue leg and the
 * real-time types also to a broadcast leg (NATS core). Group subscriptions read the queue leg (at-least-once);
 * broadcast subscriptions read the broadcast leg (at-most-once, a copy each).
 *
 * <p>A fixture says it has a hybrid driver with {@link io.switchboard.tck.DriverFixture#hybridLegs()}: the real-time
 * types its driver is configured with ({@link HybridLegs#realTimePattern()}) and control of each leg. Without it
 * every scenario here reports "not a hybrid driver". The kit's real-time events are of type
 * {@code ctx.type("<segment>.item.flagged")}; its other types never match the pattern.
 */
public final class HybridScenarios {

    private HybridScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("H1", "broadcast leg down: publishing still succeeds and group subscriptions get "
                        + "everything", HybridScenarios::broadcastLegDown).when(Gates.AT_LEAST_ONCE),
                Scenario.must("H2", "a real-time event reaches a group and a broadcast subscriber, each exactly once",
                        HybridScenarios::bothLegsOnce),
                Scenario.must("H3", "per-key order on the group side holds while the broadcast leg flaps",
                        HybridScenarios::orderWhileBroadcastFlaps)
                        .when(Gates.orderingAtLeast(Capabilities.Ordering.PER_KEY_SINGLE_CONSUMER)),
                Scenario.must("H4", "after a broadcast-leg outage broadcast subscribers receive again; the group "
                        + "side drains within its budget", HybridScenarios::broadcastRecovers)
                        .when(Gates.AT_LEAST_ONCE),
                Scenario.must("H5", "queue leg: the oldest unhandled entry goes first; handled entries are not "
                        + "sent again", HybridScenarios::queueLegSemantics).when(Gates.AT_LEAST_ONCE));
    }

    // ------------------------------------------------------------------------------------------------------- H1

    /**
     * H1: with the broadcast leg down, 50 real-time publishes all succeed, and the group subscriber handles every
     * one exactly once (the queue leg is untouched). What the broadcast subscriber missed is a figure: at-most-once.
     */
    static void broadcastLegDown(ScenarioContext ctx) {
        HybridLegs legs = legs(ctx);
        Outage outage = broadcastOutage(legs);
        Live live = Live.attach(ctx, legs);
        int n = 50;
        outage.begin().run();
        try {
            for (int i = 1; i <= n; i++) {
                ctx.ledger().publishAndWait(live.board, Ledger.event(live.type, "k" + (i % 4), i));
            }
        } finally {
            outage.end().run();
        }
        for (Ledger.Published p : ctx.ledger().publishes()) {
            if (p.outcome() != Outcome.OK) {
                throw new AssertionError("a publish failed while only the broadcast leg was down; it must succeed "
                        + "(the queue leg is up): event " + p.eventId() + ": " + p.failure(), p.failure());
            }
        }
        BrokerFaultScenarios.awaitHandled(ctx, live.group, live.type, n + 1);
        ctx.quietWindow();
        ctx.figure("broadcast outage", outage.kind());
        ctx.figure("broadcast copies during the outage", live.broadcastSeen() - 1);
        ctx.expectExactlyOnce(live.group, live.type);
    }

    // ------------------------------------------------------------------------------------------------------- H2

    /** H2: fault-free, 20 real-time events each reach the group handler once and the broadcast handler once. */
    static void bothLegsOnce(ScenarioContext ctx) {
        HybridLegs legs = legs(ctx);
        Live live = Live.attach(ctx, legs);
        int n = 20;
        for (int i = 1; i <= n; i++) {
            ctx.ledger().publish(live.board, Ledger.event(live.type, "k" + (i % 4), i));
        }
        ctx.awaitPublishes();
        BrokerFaultScenarios.requireAllAcknowledged(ctx.ledger());
        BrokerFaultScenarios.awaitHandled(ctx, live.group, live.type, n + 1);
        BrokerFaultScenarios.awaitHandled(ctx, live.broadcast, live.type, n + 1);
        ctx.quietWindow();
        ctx.expectExactlyOnce(live.group, live.type);
        ctx.expectExactlyOnce(live.broadcast, live.type);
    }

    // ------------------------------------------------------------------------------------------------------- H3

    /**
     * H3: {@code ordered} real-time events over {@code keys} keys, published in sequence per key while another
     * thread takes the broadcast leg down and up three times; the group side loses nothing, duplicates nothing and
     * keeps per-key order (one member).
     */
    static void orderWhileBroadcastFlaps(ScenarioContext ctx) throws Exception {
        HybridLegs legs = legs(ctx);
        Outage outage = broadcastOutage(legs);
        Live live = Live.attach(ctx, legs);
        int n = ctx.sizes().ordered();
        int keys = ctx.sizes().keys();
        Duration flap = BrokerFaultScenarios.outage(ctx);
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger flaps = new AtomicInteger();
        AtomicReference<Throwable> flapFailure = new AtomicReference<>();
        Thread flapper = new Thread(() -> {
            try {
                while (publishing.get() && flaps.get() < 3) {
                    outage.begin().run();
                    try {
                        ScenarioContext.pause(flap.toMillis() / 2);
                    } finally {
                        outage.end().run();
                    }
                    flaps.incrementAndGet();
                    ScenarioContext.pause(flap.toMillis() / 2);
                }
            } catch (Throwable t) {
                flapFailure.set(t);
            }
        }, "tck-h3-flapper");
        flapper.setDaemon(true);
        flapper.start();
        try {
            for (int i = 1; i <= n; i++) {
                String key = "k" + ctx.random().nextInt(keys);
                ctx.ledger().publishAndWait(live.board, Ledger.event(live.type, key, i));
            }
        } finally {
            publishing.set(false);
            flapper.join();
        }
        if (flapFailure.get() != null) {
            throw new AssertionError("taking the broadcast leg down and up failed: " + flapFailure.get(),
                    flapFailure.get());
        }
        int owed = (int) ctx.ledger().count(Outcome.OK);
        BrokerFaultScenarios.awaitHandled(ctx, live.group, live.type, owed);
        ctx.quietWindow();
        ctx.figure("broadcast flaps", flaps.get());
        ctx.figure("broadcast copies", live.broadcastSeen());
        ctx.expect(live.group, Checker.ofType(live.type), 0, true);
    }

    // ------------------------------------------------------------------------------------------------------- H4

    /**
     * H4: 30 real-time events are published during a broadcast-leg outage. Afterwards a probe is published every
     * delivery-latency period until the broadcast subscriber receives one (its recovery time is a figure, bounded by
     * the deadline), then 10 more events reach it exactly once. The group side receives everything; its duplicate
     * budget is the number of publishes that ended indeterminate (the queue leg itself was not faulted).
     */
    static void broadcastRecovers(ScenarioContext ctx) {
        HybridLegs legs = legs(ctx);
        Outage outage = broadcastOutage(legs);
        Live live = Live.attach(ctx, legs);
        Ledger ledger = ctx.ledger();
        int seq = 0;
        outage.begin().run();
        try {
            for (int i = 0; i < 30; i++) {
                ledger.publishAndWait(live.board, Ledger.event(live.type, "k" + (i % 4), ++seq));
            }
        } finally {
            outage.end().run();
        }

        long restoredAt = System.nanoTime();
        long deadline = restoredAt + ctx.timing().deadline(1).toNanos();
        long period = Math.max(10, ctx.capabilities().maxDeliveryLatency().toMillis());
        int probes = 0;
        int seenBefore = live.broadcastSeen();
        while (live.broadcastSeen() == seenBefore) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the broadcast subscriber received nothing within "
                        + ctx.timing().deadline(1).toMillis() + " ms after the broadcast leg came back (" + probes
                        + " probes published)");
            }
            ledger.publishAndWait(live.board, Ledger.event(live.type, "probe", ++seq));
            probes++;
            ScenarioContext.pause(period); // paces the probes
        }
        ctx.figure("broadcast recovery ms", (System.nanoTime() - restoredAt) / 1_000_000);
        ctx.figure("probes", probes);

        List<String> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            after.add(ledger.publishAndWait(live.board, Ledger.event(live.type, "k" + (i % 4), ++seq)).eventId());
        }
        ctx.await("the broadcast subscriber to receive the 10 events published after it recovered", 10,
                () -> after.stream().allMatch(id -> ledger.attempts(id, live.broadcast).stream()
                        .anyMatch(Handling::success)));
        int owed = (int) ledger.count(Outcome.OK);
        BrokerFaultScenarios.awaitHandled(ctx, live.group, live.type, owed);
        ctx.quietWindow();
        for (String id : after) {
            long copies = ledger.attempts(id, live.broadcast).stream().filter(Handling::success).count();
            if (copies != 1) {
                throw new AssertionError("after recovery, event " + id + " reached the broadcast subscriber "
                        + copies + " times, expected once");
            }
        }
        int budget = (int) ledger.count(Outcome.INDETERMINATE);
        ctx.figure("duplicate budget", budget);
        ctx.expect(live.group, Checker.ofType(live.type), budget, false);
    }

    // ------------------------------------------------------------------------------------------------------- H5

    /**
     * H5: the group's member is closed; 20 events without ordering key are published; a member with concurrency 1
     * receives them oldest first. That member is closed and a third one opened: within a quiet window it receives
     * none of the handled entries again, and then receives one new event (it is live).
     */
    static void queueLegSemantics(ScenarioContext ctx) {
        legs(ctx); // a hybrid driver's queue leg; any other driver: "not a hybrid driver"
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("outbox");
        Ledger ledger = ctx.ledger();
        Subscription first = board.subscribe(SubscriptionRequest.group(group, type, TckItem.class,
                ledger.handler(group, "first")).withMaxConcurrency(1));
        ledger.publishAndWait(board, Ledger.event(type, null, 0));
        BrokerFaultScenarios.awaitHandled(ctx, group, type, 1);
        first.close();

        int n = 20;
        for (int i = 1; i <= n; i++) {
            ledger.publishAndWait(board, Ledger.event(type, null, i));
        }
        BrokerFaultScenarios.requireAllAcknowledged(ledger);
        Subscription second = board.subscribe(SubscriptionRequest.group(group, type, TckItem.class,
                ledger.handler(group, "second")).withMaxConcurrency(1));
        BrokerFaultScenarios.awaitHandled(ctx, group, type, n + 1);
        List<Long> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Handling h : ledger.successes(group)) {
            if (h.consumer().equals("second") && seen.add(h.eventId())) {
                order.add(h.seq());
            }
        }
        for (int i = 1; i < order.size(); i++) {
            if (order.get(i) < order.get(i - 1)) {
                throw new AssertionError("the queue leg did not hand out the oldest unhandled entry first: "
                        + "sequence " + order);
            }
        }
        second.close();

        long reopenedAt = System.nanoTime();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "third"));
        ctx.quietWindow();
        List<Handling> resent = ledger.handlings(group).stream()
                .filter(h -> h.consumer().equals("third") && h.nanos() > reopenedAt).toList();
        if (!resent.isEmpty()) {
            throw new AssertionError(resent.size() + " handled entr(y/ies) were sent again to a new member, e.g. "
                    + resent.get(0));
        }
        ledger.publishAndWait(board, Ledger.event(type, null, n + 1));
        BrokerFaultScenarios.awaitHandled(ctx, group, type, n + 2);
        ctx.quietWindow();
        ctx.expectExactlyOnce(group, type);
    }

    // --------------------------------------------------------------------------------------------------- helpers

    static HybridLegs legs(ScenarioContext ctx) {
        return ctx.fixture().hybridLegs().orElseThrow(() -> new InfrastructureMissing(
                "not a hybrid driver: the fixture declares no HybridLegs"));
    }

    private static Outage broadcastOutage(HybridLegs legs) {
        return Outage.of(legs.broadcastLeg()).orElseThrow(() -> new InfrastructureMissing("needs control of the "
                + "broadcast leg (RESTART or PARTITION); the fixture supports " + legs.broadcastLeg().supported()));
    }

    /**
     * The scenario's publisher with a group subscription and a broadcast subscription to one real-time type, both
     * shown attached by one warm-up event (sequence 0) that each handled.
     */
    private static final class Live {
        final Switchboard board;
        final String type;
        final String group;
        /** The broadcast subscriber's name in the ledger (a broadcast subscription has no group). */
        final String broadcast;
        final Ledger ledger;

        private Live(ScenarioContext ctx, HybridLegs legs) {
            this.board = ctx.switchboard();
            this.type = ctx.type(legs.realTimeSegment() + ".item.flagged");
            this.group = ctx.group("reliable");
            this.broadcast = ctx.group("live-view");
            this.ledger = ctx.ledger();
        }

        static Live attach(ScenarioContext ctx, HybridLegs legs) {
            Live live = new Live(ctx, legs);
            live.board.subscribe(SubscriptionRequest.group(live.group, live.type, TckItem.class,
                    live.ledger.handler(live.group, "c1")).withMaxConcurrency(1));
            live.board.broadcast(live.type, TckItem.class, live.ledger.handler(live.broadcast, "live"));
            live.ledger.publishAndWait(live.board, Ledger.event(live.type, "warm-up", 0));
            BrokerFaultScenarios.awaitHandled(ctx, live.group, live.type, 1);
            BrokerFaultScenarios.awaitHandled(ctx, live.broadcast, live.type, 1);
            return live;
        }

        int broadcastSeen() {
            return (int) ledger.handledEvents(broadcast);
        }
    }
}
