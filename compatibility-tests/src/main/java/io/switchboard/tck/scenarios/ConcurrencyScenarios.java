package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group K of the catalogue. */
public final class ConcurrencyScenarios {

    private ConcurrencyScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
