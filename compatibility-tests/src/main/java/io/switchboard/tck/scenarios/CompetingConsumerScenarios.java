package io.switchboard.tck.scenarios;

import io.switchboard.Switchboard;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.util.List;

/** Group G of the catalogue: members of one group share the work. */
public final class CompetingConsumerScenarios {

    private CompetingConsumerScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("G1", "members of one group together handle every event once",
                        CompetingConsumerScenarios::unionIsEverythingOnce).when(Gates.COMPETING));
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
}
