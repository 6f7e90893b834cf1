package io.switchboard.tck.scenarios;

import io.switchboard.Switchboard;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.util.ArrayList;
import java.util.List;

/** Group M of the catalogue: every group gets its own copy. */
public final class FanOutScenarios {

    private FanOutScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("M1", "two (and five) groups each receive every event exactly once",
                        FanOutScenarios::everyGroupGetsEverything).when(Gates.FAN_OUT));
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
}
