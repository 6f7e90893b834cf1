package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.DeadLetter;
import io.switchboard.Event;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.spi.EventCodec;
import io.switchboard.spi.OutboundMessage;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/** Group P of the catalogue: what cannot be read or handled does not take the consumer down or block the rest. */
public final class PoisonScenarios {

    private PoisonScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("P1", "bytes that are not an envelope are dead-lettered as malformed; the consumer "
                        + "goes on", PoisonScenarios::malformedBytes).withInspector(),
                Scenario.must("P2", "a poison event on one key does not block the other keys",
                        PoisonScenarios::noHeadOfLineBlocking),
                Scenario.notVerified("P3", Scenario.Level.MAY, "fail-stop policy, if declared",
                        "fail-stop cannot be declared: Capabilities has no fail-stop policy and every publisher "
                                + "retries, then dead-letters (or drops), so no driver claims it"),
                Scenario.notVerified("P4", Scenario.Level.SHOULD, "a hanging handler times out and is redelivered; "
                        + "a slow healthy one keeps its lease", "the API has no handler timeout (neither "
                        + "SubscriptionRequest nor RetryPolicy sets one) and no way to observe a lease extension"),
                Scenario.must("P5", "Errors and checked exceptions from a handler follow the failure path; the "
                        + "consumer survives", PoisonScenarios::errorsFollowTheFailurePath));
    }

    /**
     * P1: {@code []}, empty bytes, random bytes and a truncated envelope are sent natively to a subscribed type,
     * bypassing the publisher. None reaches the handler; each is counted as dead-lettered and, where the driver
     * declares dead-lettering, is in the dead-letter destination byte for byte with reason {@code malformed}. A
     * valid event sent afterwards is handled, and the subscription is still active.
     */
    static void malformedBytes(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        boolean deadLettering = ctx.capabilities().deadLettering() != Capabilities.DeadLettering.NONE;
        DriverInspector inspector = deadLettering ? DeadLetterScenarios.inspector(ctx) : null;
        String type = ctx.type("item.recorded");
        String group = ctx.group("robust");
        Ledger ledger = ctx.ledger();
        Subscription subscription = board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));

        byte[] random = new byte[64];
        ctx.random().nextBytes(random);
        byte[] envelope = EventCodec.load().encode(Ledger.event(type, "k1", 0));
        Map<String, byte[]> poison = new LinkedHashMap<>();
        poison.put("[]", "[]".getBytes(StandardCharsets.UTF_8));
        poison.put("empty", new byte[0]);
        poison.put("random", random);
        poison.put("truncated", Arrays.copyOf(envelope, envelope.length / 2));
        int i = 0;
        for (byte[] bytes : poison.values()) {
            ctx.rawDriver().send(new OutboundMessage("tck-malformed-" + i++, type, null, bytes, Map.of())).join();
        }
        Event<TckItem> valid = ledger.publish(board, Ledger.event(type, "k1", 1)).join();
        ctx.awaitHandled(group, 1);
        ctx.await(poison.size() + " malformed messages dead-lettered", poison.size(),
                () -> board.metrics().deadLettered() >= poison.size()
                        && (inspector == null || inspector.deadLetters().size() >= poison.size()));
        ctx.quietWindow();

        List<Handling> runs = ledger.handlings(group);
        if (runs.size() != 1 || !runs.get(0).eventId().equals(valid.id()) || !runs.get(0).success()) {
            throw new AssertionError("only the valid event should reach the handler, once; got " + runs);
        }
        if (board.metrics().deadLettered() != poison.size()) {
            throw new AssertionError(board.metrics().deadLettered() + " dead-lettered deliveries counted, expected "
                    + poison.size() + " malformed messages");
        }
        if (inspector != null) {
            List<DeadLetter> letters = inspector.deadLetters();
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, byte[]> p : poison.entrySet()) {
                long matching = letters.stream().filter(d -> Arrays.equals(d.payload(), p.getValue())
                        && "malformed".equals(d.get(DeadLetter.Keys.REASON))
                        && group.equals(d.get(DeadLetter.Keys.GROUP))).count();
                if (matching != 1) {
                    problems.add(p.getKey() + ": " + matching + " dead letter(s) with its exact bytes, group "
                            + group + " and reason malformed");
                }
            }
            if (letters.size() != poison.size() || !problems.isEmpty()) {
                throw new AssertionError("expected one dead letter per malformed message: " + problems + "; found "
                        + letters);
            }
        }
        if (!subscription.isActive()) {
            throw new AssertionError("the subscription is no longer active after the malformed messages");
        }
        ctx.figure("malformed", poison.size());
    }

    /**
     * P2: keys K1..K4, five events each; K1's first event fails every attempt. The other keys' events are all
     * handled, in order, within the kit's deadlines. K1's successors are all handled too, in order; when the driver
     * declares order across retry, none of them before the poison's last attempt.
     */
    static void noHeadOfLineBlocking(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("unblocked");
        Ledger ledger = ctx.ledger();
        int keys = 4;
        int perKey = 5;
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            if (e.data().key().equals("K1") && e.data().seq() == 0) {
                throw new IllegalStateException("poison");
            }
        }));
        String poison = null;
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 1; k <= keys; k++) {
                Event<TckItem> e = ledger.publish(board, Ledger.event(type, "K" + k, seq)).join();
                if (k == 1 && seq == 0) {
                    poison = e.id();
                }
            }
        }
        String poisonId = poison;
        int others = keys * perKey - 1;
        ctx.await(others + " events handled besides the poison", others,
                () -> ledger.handledEvents(group) >= others);
        int poisonAttempts = ctx.capabilities().delivery() == Capabilities.Delivery.AT_LEAST_ONCE
                ? ScenarioContext.RETRY_POLICY.maxAttempts() : 1;
        ctx.await("the poison's " + poisonAttempts + " attempts", poisonAttempts,
                () -> ledger.attempts(poisonId, group).size() >= poisonAttempts);
        ctx.quietWindow();

        boolean ordered = ctx.capabilities().ordering() != Capabilities.Ordering.NONE;
        ctx.expect(group, p -> !p.eventId().equals(poisonId), 0, ordered);
        List<Handling> poisonRuns = ledger.attempts(poisonId, group);
        if (poisonRuns.size() != poisonAttempts || poisonRuns.stream().anyMatch(Handling::success)) {
            throw new AssertionError("the poison was attempted " + poisonRuns.size() + " time(s), expected "
                    + poisonAttempts + ": " + poisonRuns);
        }
        long lastPoison = poisonRuns.stream().mapToLong(Handling::nanos).max().orElseThrow();
        long overtaking = ledger.successes(group).stream()
                .filter(h -> "K1".equals(h.key()) && h.nanos() < lastPoison).count();
        if (ctx.capabilities().orderingAcrossRetry() && overtaking > 0) {
            throw new AssertionError(overtaking + " successor(s) of the poison on key K1 were handled before its "
                    + "last attempt, but order across retry is declared");
        }
        long othersWhileRetrying = ledger.successes(group).stream()
                .filter(h -> !"K1".equals(h.key()) && h.nanos() < lastPoison).count();
        ctx.figure("other keys handled during the poison's retries", othersWhileRetrying);
        ctx.figure("K1 successors before the poison gave up", overtaking);
    }

    /**
     * P5: five events whose first attempt throws a real {@code StackOverflowError}, an {@code AssertionError}, a
     * declared checked exception, a checked exception thrown sneakily through a lambda, and a bare
     * {@code Throwable}; a sixth throws {@code AssertionError} on every attempt. Under at-least-once the first five
     * are retried and handled, the sixth is dead-lettered after every attempt; otherwise each is attempted once. A
     * valid event afterwards is handled: the consumer survived.
     */
    static void errorsFollowTheFailurePath(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("survivor");
        Ledger ledger = ctx.ledger();
        int throwing = 5;
        long alwaysFailing = throwing;
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            long seq = e.data().seq();
            if (seq == alwaysFailing || (attempt == 1 && seq < throwing)) {
                switch ((int) seq) {
                    case 0 -> overflow(0);
                    case 1, 5 -> throw new AssertionError("assertion failed in a handler");
                    case 2 -> throw new IOException("declared checked exception");
                    case 3 -> sneakyThrow(new TimeoutException("checked exception thrown through a lambda"));
                    default -> sneakyThrow(new Throwable("a bare Throwable"));
                }
            }
        }));
        for (int seq = 0; seq <= alwaysFailing; seq++) {
            ledger.publish(board, Ledger.event(type, "k" + seq, seq)).join();
        }
        boolean retries = ctx.capabilities().delivery() == Capabilities.Delivery.AT_LEAST_ONCE;
        int maxAttempts = ScenarioContext.RETRY_POLICY.maxAttempts();
        int expectedRuns = retries ? throwing * 2 + maxAttempts : throwing + 1;
        ctx.await(expectedRuns + " attempts", expectedRuns, () -> ledger.handlings(group).size() >= expectedRuns);
        Event<TckItem> after = ledger.publish(board, Ledger.event(type, "k-after", 99)).join();
        ctx.await("the event published after the failures to be handled", 1,
                () -> ledger.attempts(after.id(), group).stream().anyMatch(Handling::success));
        ctx.quietWindow();

        for (Ledger.Published p : ledger.publishes()) {
            List<Handling> runs = ledger.attempts(p.eventId(), group);
            long successes = runs.stream().filter(Handling::success).count();
            int expected;
            long expectedSuccesses;
            if (p.seq() == 99) {
                expected = 1;
                expectedSuccesses = 1;
            } else if (p.seq() == alwaysFailing) {
                expected = retries ? maxAttempts : 1;
                expectedSuccesses = 0;
            } else {
                expected = retries ? 2 : 1;
                expectedSuccesses = retries ? 1 : 0;
            }
            if (runs.size() != expected || successes != expectedSuccesses) {
                throw new AssertionError("event #" + p.seq() + ": " + runs.size() + " attempt(s), " + successes
                        + " handled; expected " + expected + " attempt(s), " + expectedSuccesses + " handled: "
                        + runs);
            }
        }
        long failures = board.metrics().handlerFailures();
        long expectedFailures = retries ? throwing + maxAttempts : throwing + 1;
        if (failures != expectedFailures) {
            throw new AssertionError(failures + " handler failures counted, expected " + expectedFailures);
        }
        if (retries && board.metrics().deadLettered() != 1) {
            throw new AssertionError(board.metrics().deadLettered() + " dead-lettered deliveries counted, expected 1 "
                    + "(the event failing with an Error on every attempt)");
        }
        ctx.figure("throwables", throwing + 1);
    }

    /** Recurses until the stack overflows. */
    private static int overflow(int depth) {
        return overflow(depth + 1) + 1;
    }

    /** Throws {@code t}, checked or not, without declaring it: what a lambda calling checked code may do. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
