package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group C of the catalogue. */
public final class ContractScenarios {

    private ContractScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
