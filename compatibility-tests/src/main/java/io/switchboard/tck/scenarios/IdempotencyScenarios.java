package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group I of the catalogue. */
public final class IdempotencyScenarios {

    private IdempotencyScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
