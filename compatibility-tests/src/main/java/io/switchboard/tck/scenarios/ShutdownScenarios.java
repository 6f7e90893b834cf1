package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group S of the catalogue. */
public final class ShutdownScenarios {

    private ShutdownScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
