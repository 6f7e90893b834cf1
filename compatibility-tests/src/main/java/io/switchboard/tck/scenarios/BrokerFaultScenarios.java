package io.switchboard.tck.scenarios;

import io.switchboard.tck.internal.Scenario;
import java.util.List;

/** Group X of the catalogue. */
public final class BrokerFaultScenarios {

    private BrokerFaultScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of();
    }
}
