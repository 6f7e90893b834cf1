package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group O of the catalogue. */
public final class OrderingScenarios {

    private OrderingScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
