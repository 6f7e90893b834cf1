package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.Event;
import io.switchboard.IdempotencyKey;
import io.switchboard.Subscription;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Group I of the catalogue: consumer-side idempotency.
 *
 * <p><b>What is gated on what.</b> Consumer-side deduplication is done by {@link Switchboard} (the library) in front
 * of every driver, with an idempotency store per publisher; a driver's own declaration therefore says
 * {@code consumerDedupWindow = ZERO}, and gating on {@link Gates#CONSUMER_DEDUP} would mark the whole group "not
 * claimed" for every driver. Yet what the group proves is exactly what every Switchboard user gets on every driver:
 * that the library's deduplication holds over that driver's delivery (redeliveries, competing members, fan-out,
 * restarts). So these scenarios turn deduplication on themselves and are gated only on the delivery semantics they
 * need: I4 on at-least-once, I5 on competing consumers, I9 on fan-out. I6 checks the consumer restart always, and
 * the broker restart only for drivers declaring {@code durability = BROKER_RESTART}. I3 needs a network partition.
 *
 * <p><b>Which key.</b> Publishing one event k times tests the event-id key. Where a broker may drop a re-publish of
 * the same id itself ({@code publishDedupWindow > 0}), the duplicate would never reach the consumer, so scenarios
 * that must see the consumer skip a duplicate use the natural key ({@code aggregateId:type:version}) with fresh
 * event ids, which no broker deduplicates. Skipped duplicates are observed through the publisher's
 * {@code duplicatesSkipped} counter, never assumed from silence.
 */
public final class IdempotencyScenarios {

    private IdempotencyScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("I1", "the same key published 3 times runs each group's handler once",
                        IdempotencyScenarios::sameKeyRunsOnce),
                Scenario.must("I2", "same key, different payload: the first wins, on every driver",
                        IdempotencyScenarios::firstPayloadWins),
                Scenario.must("I3", "a publish retried after a lost acknowledgement is delivered once",
                        IdempotencyScenarios::ambiguousPublishRetried).withFaults(BrokerControl.Fault.PARTITION)
                        // "exactly one delivery" after a cut is an at-least-once promise: an at-most-once driver may
                        // drop the event the broker accepted just before the cut, with the subscriber's connection
                        .when(Gates.AT_LEAST_ONCE),
                Scenario.must("I4", "deduplication does not eat the redelivery of a failed attempt",
                        IdempotencyScenarios::redeliveryIsNotADuplicate).when(Gates.AT_LEAST_ONCE),
                Scenario.must("I5", "concurrent duplicates on two competing members run the side effect once",
                        IdempotencyScenarios::concurrentDuplicatesRunOnce).when(Gates.COMPETING),
                Scenario.must("I6", "deduplication survives a consumer restart (and a broker restart if durable)",
                        IdempotencyScenarios::dedupSurvivesRestart),
                Scenario.should("I7", "a duplicate within the window is skipped, after it is handled again",
                        IdempotencyScenarios::windowExpires),
                Scenario.notVerified("I8", Scenario.Level.MAY, "double ack and nack after ack are no-ops",
                        "not a user operation in this API: a handler acknowledges by returning and fails by throwing, "
                                + "once per delivery, so there is no ack or nack call a user could repeat"),
                Scenario.must("I9", "deduplication is scoped per subscriber group",
                        IdempotencyScenarios::dedupIsPerGroup).when(Gates.FAN_OUT));
    }

    /**
     * I1: one event published 3 times (event-id key) and 3 events sharing a natural key, the gaps 20 minutes of the
     * deduplication clock (within the 1 h window). Every group (two with fan-out) handles each key exactly once.
     */
    static void sameKeyRunsOnce(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String byIdType = ctx.type("item.same-id");
        String byNaturalType = ctx.type("item.same-natural-key");
        List<String> names = ctx.capabilities().fanOutGroups() ? List.of("a", "b") : List.of("a");
        List<String> byId = new ArrayList<>();
        List<String> byNatural = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String name : names) {
            String idGroup = ctx.group(name + "-id");
            String naturalGroup = ctx.group(name + "-natural");
            byId.add(idGroup);
            byNatural.add(naturalGroup);
            all.add(idGroup);
            all.add(naturalGroup);
            board.subscribe(SubscriptionRequest.group(idGroup, byIdType, TckItem.class,
                    ledger.handler(idGroup, "c1")).withIdempotencyKey(IdempotencyKey.EVENT_ID));
            board.subscribe(SubscriptionRequest.group(naturalGroup, byNaturalType, TckItem.class,
                    ledger.handler(naturalGroup, "c1")).withIdempotencyKey(IdempotencyKey.NATURAL_KEY));
        }
        Event<TckItem> same = Ledger.event(byIdType, "k1", 1);
        int k = 3;
        boolean brokerMayDrop = !ctx.capabilities().publishDedupWindow().isZero();
        for (int i = 0; i < k; i++) {
            long skipped = board.metrics().duplicatesSkipped();
            ledger.publish(board, same).join();
            board.publish(naturalKeyEvent(byNaturalType, "agg-1", 7, i)).join();
            if (i == 0) {
                byId.forEach(g -> ctx.awaitHandled(g, 1));
                byNatural.forEach(g -> ctx.await("the first event handled by " + g, 1,
                        () -> !ledger.successes(g).isEmpty()));
            } else {
                awaitSkipped(ctx, board, skipped + (long) names.size() * (brokerMayDrop ? 1 : 2),
                        () -> all.stream().anyMatch(g -> ledger.handlings(g).size() > 1));
            }
            ctx.dedupClock().advance(Duration.ofMinutes(20));
        }
        ctx.quietWindow();
        for (String group : all) {
            List<Handling> runs = ledger.handlings(group);
            if (runs.size() != 1 || !runs.get(0).success()) {
                throw new AssertionError("group " + group + " ran its handler " + runs.size() + " time(s) for one "
                        + "key published " + k + " times, expected once: " + runs);
            }
        }
        ctx.figure("groups", names.size());
        ctx.figure("duplicates skipped", board.metrics().duplicatesSkipped());
    }

    /**
     * I2: a second event with the same key but another payload (same id; then same natural key) is accepted by the
     * publisher and never handled: the first payload wins.
     */
    static void firstPayloadWins(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String byIdType = ctx.type("item.same-id");
        String byNaturalType = ctx.type("item.same-natural-key");
        String idGroup = ctx.group("by-id");
        String naturalGroup = ctx.group("by-natural-key");
        board.subscribe(SubscriptionRequest.group(idGroup, byIdType, TckItem.class, ledger.handler(idGroup, "c1"))
                .withIdempotencyKey(IdempotencyKey.EVENT_ID));
        board.subscribe(SubscriptionRequest.group(naturalGroup, byNaturalType, TckItem.class,
                ledger.handler(naturalGroup, "c1")).withIdempotencyKey(IdempotencyKey.NATURAL_KEY));
        boolean brokerMayDrop = !ctx.capabilities().publishDedupWindow().isZero();

        Event<TckItem> first = Ledger.event(byIdType, "k1", 1);
        Event<TckItem> second = first.toBuilder().data(new TckItem("k1", 2, "another payload")).build();
        ledger.publish(board, first).join();
        ctx.awaitHandled(idGroup, 1);
        long skipped = board.metrics().duplicatesSkipped();
        acceptedOrFail(board, second, "with the id of an event already published");
        if (brokerMayDrop) {
            ctx.quietWindow();
        } else {
            awaitSkipped(ctx, board, skipped + 1, () -> ledger.handlings(idGroup).size() > 1);
        }

        Event<TckItem> firstNatural = naturalKeyEvent(byNaturalType, "agg-1", 3, 1);
        Event<TckItem> secondNatural = naturalKeyEvent(byNaturalType, "agg-1", 3, 2);
        board.publish(firstNatural).join();
        ctx.await("the first event handled by " + naturalGroup, 1, () -> !ledger.successes(naturalGroup).isEmpty());
        skipped = board.metrics().duplicatesSkipped();
        acceptedOrFail(board, secondNatural, "with the natural key of an event already published");
        awaitSkipped(ctx, board, skipped + 1, () -> ledger.handlings(naturalGroup).size() > 1);
        ctx.quietWindow();

        for (String group : List.of(idGroup, naturalGroup)) {
            List<Handling> runs = ledger.handlings(group);
            if (runs.size() != 1 || runs.get(0).seq() != 1) {
                throw new AssertionError("group " + group + " handled " + runs + "; expected only the first payload "
                        + "(seq 1) once");
            }
        }
    }

    /**
     * I3: for each event, publish and immediately partition client and broker, so the publish may reach the broker
     * while its acknowledgement is lost; restore, and retry the same event until it is acknowledged. With
     * event-id deduplication every event is handled exactly once.
     */
    static void ambiguousPublishRetried(ScenarioContext ctx) {
        BrokerControl control = ctx.brokerControl().orElseThrow(
                () -> new InfrastructureMissing("needs broker control with PARTITION"));
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.EVENT_ID)
                .publishTimeout(ctx.timing().scale(Duration.ofSeconds(2))));
        Ledger ledger = ctx.ledger();
        String type = ctx.type("payment.captured");
        String group = ctx.group("ledger");
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        int n = 5;
        int unacknowledged = 0;
        for (int i = 0; i < n; i++) {
            Event<TckItem> event = Ledger.event(type, "k" + i, i);
            CompletableFuture<Event<TckItem>> first = ledger.publish(board, event);
            control.cut();
            try {
                first.join();
            } catch (CompletionException lostAck) {
                unacknowledged++;
            } finally {
                control.restore();
            }
            int retries = 0;
            while (ledger.published(event.id()).outcome() != Ledger.Outcome.OK) {
                if (++retries > 10) {
                    throw new AssertionError("event " + event.id() + " could not be published after the partition "
                            + "was restored: " + ledger.published(event.id()).failure());
                }
                ledger.publishAndWait(board, event);
            }
        }
        ctx.awaitHandled(group, n);
        ctx.quietWindow();
        ctx.expectExactlyOnce(group, type);
        ctx.figure("publishes without acknowledgement", unacknowledged);
    }

    /**
     * I4: every event fails its first attempt; the redelivery carries the same key and must be handled (the key is
     * recorded only after success). A later duplicate is then skipped, proving deduplication was on.
     */
    static void redeliveryIsNotADuplicate(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.NATURAL_KEY));
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("careful");
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            if (attempt == 1) {
                throw new IllegalStateException("planned failure of the first attempt");
            }
        }));
        int n = 20;
        for (int i = 0; i < n; i++) {
            ledger.publish(board, naturalKeyEvent(type, "agg-" + i, 1, i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(group, n);
        ctx.expect(group, Checker.ofType(type), 0, false);
        for (Ledger.Published p : ledger.publishes()) {
            List<Handling> runs = ledger.attempts(p.eventId(), group);
            if (runs.size() != 2 || runs.get(0).success() || !runs.get(1).success()) {
                throw new AssertionError("event #" + p.seq() + ": expected a failed attempt, then a handled "
                        + "redelivery; got " + runs);
            }
        }
        long skipped = board.metrics().duplicatesSkipped();
        board.publish(naturalKeyEvent(type, "agg-0", 1, 0)).join(); // not in the ledger: it must not be owed
        awaitSkipped(ctx, board, skipped + 1, () -> ledger.successes(group).size() > n);
        ctx.quietWindow();
        if (ledger.successes(group).size() != n) {
            throw new AssertionError("a duplicate of a handled key ran the handler again: " + ledger.successes(group));
        }
    }

    /**
     * I5: one event (no ordering key, so nothing serializes its copies) is published twice to a group of two members
     * with concurrency 1 each. The handler holds on until the other copy was seen, in the handler (deduplication
     * broken) or held back as in progress (the publisher's {@code released} counter), so the copies overlap where
     * the driver delivers them concurrently. The side effect runs once per event; the other copy is acknowledged as
     * a duplicate without running it.
     */
    static void concurrentDuplicatesRunOnce(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.EVENT_ID));
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("racing");
        Map<String, AtomicInteger> entered = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> sideEffects = new ConcurrentHashMap<>();
        AtomicLong releasedBefore = new AtomicLong();
        AtomicInteger overlapped = new AtomicInteger();
        Duration barrier = longer(ctx.timing().quietWindow(),
                ctx.timing().scale(ctx.capabilities().maxDeliveryLatency().multipliedBy(5)));
        for (int m = 0; m < 2; m++) {
            board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "member-" + m,
                    (e, attempt) -> {
                        AtomicInteger here = entered.computeIfAbsent(e.id(), id -> new AtomicInteger());
                        here.incrementAndGet();
                        if (waitFor(barrier, () -> here.get() >= 2
                                || board.metrics().released() > releasedBefore.get())) {
                            overlapped.incrementAndGet();
                        }
                        sideEffects.computeIfAbsent(e.id(), id -> new AtomicInteger()).incrementAndGet();
                    })).withMaxConcurrency(1));
        }
        boolean brokerMayDrop = !ctx.capabilities().publishDedupWindow().isZero();
        int rounds = 5;
        for (int r = 0; r < rounds; r++) {
            Event<TckItem> event = Ledger.event(type, null, r);
            releasedBefore.set(board.metrics().released());
            long skipped = board.metrics().duplicatesSkipped();
            CompletableFuture<Event<TckItem>> one = ledger.publish(board, event);
            CompletableFuture<Event<TckItem>> two = ledger.publish(board, event);
            one.join();
            two.join();
            ctx.awaitHandled(group, r + 1);
            if (!brokerMayDrop) {
                awaitSkipped(ctx, board, skipped + 1,
                        () -> sideEffects.getOrDefault(event.id(), new AtomicInteger()).get() > 1);
            }
        }
        ctx.quietWindow();
        for (Ledger.Published p : ledger.publishes()) {
            AtomicInteger runs = sideEffects.get(p.eventId());
            if (runs == null || runs.get() != 1) {
                throw new AssertionError("event #" + p.seq() + " delivered twice at once ran its side effect "
                        + (runs == null ? 0 : runs.get()) + " time(s), expected once: "
                        + ledger.attempts(p.eventId(), group));
            }
        }
        ctx.expectExactlyOnce(group, type);
        ctx.figure("rounds", rounds);
        ctx.figure("overlapping deliveries", overlapped.get());
        ctx.figure("duplicates skipped", board.metrics().duplicatesSkipped());
    }

    /**
     * I6: a key handled by one member is skipped after that member closed and a new one joined the group; a fresh
     * key is still handled (the new member is live). For drivers declaring {@code durability = BROKER_RESTART}, the
     * same after the broker restarted.
     */
    static void dedupSurvivesRestart(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.NATURAL_KEY));
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("restarted");
        BooleanSupplier ranAgain = () -> ledger.handlings(group).stream().filter(h -> h.key().equals("agg-dup"))
                .count() > 1;
        Subscription first = board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-1"));
        ledger.publish(board, naturalKeyEvent(type, "agg-dup", 1, 0)).join();
        ctx.awaitHandled(group, 1);
        first.close();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-2"));
        long skipped = board.metrics().duplicatesSkipped();
        board.publish(naturalKeyEvent(type, "agg-dup", 1, 0)).join();
        awaitSkipped(ctx, board, skipped + 1, ranAgain);
        ledger.publish(board, naturalKeyEvent(type, "agg-fresh-1", 1, 1)).join();
        ctx.awaitHandled(group, 2);

        if (ctx.capabilities().durability() == Capabilities.Durability.BROKER_RESTART) {
            BrokerControl control = ctx.brokerControl()
                    .filter(c -> c.supported().contains(BrokerControl.Fault.RESTART))
                    .orElseThrow(() -> new InfrastructureMissing("the consumer restart passed; the broker restart "
                            + "(durability BROKER_RESTART is declared) needs broker control with RESTART"));
            control.stop();
            control.start();
            skipped = board.metrics().duplicatesSkipped();
            board.publish(naturalKeyEvent(type, "agg-dup", 1, 0)).join();
            awaitSkipped(ctx, board, skipped + 1, ranAgain);
            ledger.publish(board, naturalKeyEvent(type, "agg-fresh-2", 1, 2)).join();
            ctx.awaitHandled(group, 3);
            ctx.figure("broker restart", "checked");
        } else {
            ctx.figure("broker restart", "not claimed (durability " + ctx.capabilities().durability() + ")");
        }
        ctx.quietWindow();
        long runs = ledger.handlings(group).stream().filter(h -> h.key().equals("agg-dup")).count();
        if (ranAgain.getAsBoolean() || runs != 1) {
            throw new AssertionError("the key handled before the restart ran the handler " + runs + " time(s): "
                    + ledger.handlings(group));
        }
        ctx.expectExactlyOnce(group, type);
    }

    /**
     * I7: a key is handled; a duplicate one minute before the window (the publisher's consumerDedupWindow, on the
     * kit's deduplication clock) ends is skipped; a duplicate one minute after it ends is handled again.
     */
    static void windowExpires(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.NATURAL_KEY));
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("windowed");
        Duration window = board.capabilities().consumerDedupWindow();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        Event<TckItem> original = naturalKeyEvent(type, "agg-1", 1, 1);
        ledger.publish(board, original).join();
        ctx.awaitHandled(group, 1);

        ctx.dedupClock().advance(window.minusMinutes(1));
        long skipped = board.metrics().duplicatesSkipped();
        board.publish(naturalKeyEvent(type, "agg-1", 1, 2)).join();
        awaitSkipped(ctx, board, skipped + 1, () -> ledger.handlings(group).size() > 1);
        if (ledger.handlings(group).size() != 1) {
            throw new AssertionError("a duplicate within the window ran the handler: " + ledger.handlings(group));
        }

        ctx.dedupClock().advance(Duration.ofMinutes(2));
        Event<TckItem> late = naturalKeyEvent(type, "agg-1", 1, 3);
        ledger.publish(board, late).join();
        ctx.awaitHandled(group, 2);
        ctx.quietWindow();
        List<Long> handled = ledger.handlings(group).stream().map(Handling::seq).toList();
        if (!handled.equals(List.of(1L, 3L))) {
            throw new AssertionError("expected the original (seq 1) and the duplicate after the window (seq 3) to "
                    + "be handled once each, got seqs " + handled);
        }
        ctx.figure("window", window.toString());
    }

    /**
     * I9: two groups on one type, both deduplicating by natural key: each handles every key (one group's record
     * must not suppress the other's), and each skips a later duplicate.
     */
    static void dedupIsPerGroup(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.NATURAL_KEY));
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String a = ctx.group("a");
        String b = ctx.group("b");
        board.subscribe(a, type, TckItem.class, ledger.handler(a, "c1"));
        board.subscribe(b, type, TckItem.class, ledger.handler(b, "c1"));
        int n = 5;
        for (int i = 0; i < n; i++) {
            ledger.publish(board, naturalKeyEvent(type, "agg-" + i, 1, i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(a, n);
        ctx.awaitHandled(b, n);
        long skipped = board.metrics().duplicatesSkipped();
        for (int i = 0; i < n; i++) {
            board.publish(naturalKeyEvent(type, "agg-" + i, 1, i)).join(); // duplicates: not owed
        }
        awaitSkipped(ctx, board, skipped + 2L * n,
                () -> ledger.successes(a).size() > n || ledger.successes(b).size() > n);
        ctx.quietWindow();
        for (String group : List.of(a, b)) {
            if (ledger.successes(group).size() > n) {
                throw new AssertionError("a duplicate with a handled natural key ran the handler of " + group
                        + " again: " + ledger.successes(group));
            }
        }
        ctx.expectExactlyOnce(a, type);
        ctx.expectExactlyOnce(b, type);
    }

    /** A new event (fresh id) whose natural key is {@code aggregateId:type:version}. */
    private static Event<TckItem> naturalKeyEvent(String type, String aggregateId, long version, long seq) {
        return Ledger.event(type, aggregateId, seq).toBuilder().aggregateType("Item").version(version).build();
    }

    /**
     * Waits until the publisher has acknowledged {@code total} deliveries as duplicates without running a handler,
     * or until {@code ranAgain} shows that a duplicate ran the handler instead (the caller's checks then say so).
     */
    private static void awaitSkipped(ScenarioContext ctx, Switchboard board, long total, BooleanSupplier ranAgain) {
        ctx.await("the publisher to skip duplicates (" + total + " in all)", 1,
                () -> board.metrics().duplicatesSkipped() >= total || ranAgain.getAsBoolean());
    }

    /** Publishes {@code event}, which must be accepted like any other publish. */
    private static void acceptedOrFail(Switchboard board, Event<TckItem> event, String what) {
        try {
            board.publish(event).join();
        } catch (CompletionException e) {
            throw new AssertionError("publishing an event " + what + " failed instead of being accepted (first "
                    + "wins): " + e.getCause());
        }
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; whether it held. */
    private static boolean waitFor(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            ScenarioContext.pause(1);
        }
        return true;
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
