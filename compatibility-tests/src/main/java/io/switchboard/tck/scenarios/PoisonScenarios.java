package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group P of the catalogue. */
public final class PoisonScenarios {

    private PoisonScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
