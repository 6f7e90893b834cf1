package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group V of the catalogue. */
public final class BadInputScenarios {

    private BadInputScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
