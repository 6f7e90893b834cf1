package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group B of the catalogue. */
public final class BatchScenarios {

    private BatchScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
