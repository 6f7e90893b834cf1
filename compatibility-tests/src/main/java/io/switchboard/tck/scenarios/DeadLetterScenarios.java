package io.switchboard.tck.scenarios;

import io.switchboard.DeadLetter;
import io.switchboard.Event;
import io.switchboard.Switchboard;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.util.List;

/** Group D of the catalogue: what cannot be handled ends in the dead-letter destination, once, intact. */
public final class DeadLetterScenarios {

    private DeadLetterScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("D1", "an always-failing event is dead-lettered exactly once, intact",
                        DeadLetterScenarios::deadLetteredOnce).when(Gates.DEAD_LETTERING).withInspector());
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

    static List<DeadLetter> deadLettersOf(DriverInspector inspector, String eventId) {
        return inspector.deadLetters().stream()
                .filter(d -> eventId.equals(d.get(DeadLetter.Keys.EVENT_ID)))
                .toList();
    }
}
