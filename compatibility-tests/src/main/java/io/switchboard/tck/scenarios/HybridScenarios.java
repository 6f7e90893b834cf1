package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group H of the catalogue. */
public final class HybridScenarios {

    private HybridScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
