package io.switchboard.tck.scenarios;

import io.switchboard.Switchboard;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Group R of the catalogue: at-least-once when handlers fail. */
public final class RetryScenarios {

    private RetryScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("R1", "failed first attempts are retried; nothing lost, one extra attempt each",
                        RetryScenarios::failedAttemptsAreRetried).when(Gates.AT_LEAST_ONCE));
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
}
