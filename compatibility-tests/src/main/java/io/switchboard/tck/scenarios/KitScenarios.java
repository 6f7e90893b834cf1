package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group T of the catalogue. */
public final class KitScenarios {

    private KitScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
