package io.switchboard.tck.internal;

import io.switchboard.tck.scenarios.BadInputScenarios;
import io.switchboard.tck.scenarios.BatchScenarios;
import io.switchboard.tck.scenarios.BrokerFaultScenarios;
import io.switchboard.tck.scenarios.CompetingConsumerScenarios;
import io.switchboard.tck.scenarios.ConcurrencyScenarios;
import io.switchboard.tck.scenarios.ContractScenarios;
import io.switchboard.tck.scenarios.DeadLetterScenarios;
import io.switchboard.tck.scenarios.FanOutScenarios;
import io.switchboard.tck.scenarios.FidelityScenarios;
import io.switchboard.tck.scenarios.HybridScenarios;
import io.switchboard.tck.scenarios.IdempotencyScenarios;
import io.switchboard.tck.scenarios.KitScenarios;
import io.switchboard.tck.scenarios.OrderingScenarios;
import io.switchboard.tck.scenarios.PoisonScenarios;
import io.switchboard.tck.scenarios.RetryScenarios;
import io.switchboard.tck.scenarios.ShutdownScenarios;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every scenario of TCK.md, in the catalogue's order of groups. */
public final class Catalogue {

    private static final Map<String, String> GROUPS = Map.ofEntries(
            Map.entry("C", "contract and validation"),
            Map.entry("F", "round-trip fidelity"),
            Map.entry("B", "batch"),
            Map.entry("I", "idempotency"),
            Map.entry("R", "at-least-once under handler failure"),
            Map.entry("X", "at-least-once under broker restart and faults"),
            Map.entry("O", "ordering per key"),
            Map.entry("G", "competing consumers"),
            Map.entry("M", "fan-out to several groups"),
            Map.entry("D", "dead-letter queue"),
            Map.entry("P", "poison messages"),
            Map.entry("K", "concurrency"),
            Map.entry("S", "shutdown and drain"),
            Map.entry("V", "bad input"),
            Map.entry("H", "hybrid: real-time broadcast + reliable queue"),
            Map.entry("T", "self-validation of the kit"));

    private Catalogue() {
    }

    public static List<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>();
        all.addAll(ContractScenarios.scenarios());
        all.addAll(FidelityScenarios.scenarios());
        all.addAll(BatchScenarios.scenarios());
        all.addAll(IdempotencyScenarios.scenarios());
        all.addAll(RetryScenarios.scenarios());
        all.addAll(BrokerFaultScenarios.scenarios());
        all.addAll(OrderingScenarios.scenarios());
        all.addAll(CompetingConsumerScenarios.scenarios());
        all.addAll(FanOutScenarios.scenarios());
        all.addAll(DeadLetterScenarios.scenarios());
        all.addAll(PoisonScenarios.scenarios());
        all.addAll(ConcurrencyScenarios.scenarios());
        all.addAll(ShutdownScenarios.scenarios());
        all.addAll(BadInputScenarios.scenarios());
        all.addAll(HybridScenarios.scenarios());
        all.addAll(KitScenarios.scenarios());
        Set<String> ids = new HashSet<>();
        for (Scenario s : all) {
            if (!ids.add(s.id())) {
                throw new IllegalStateException("Scenario id " + s.id() + " is defined twice");
            }
            if (!GROUPS.containsKey(s.group())) {
                throw new IllegalStateException("Scenario " + s.id() + " has an unknown group");
            }
        }
        return all;
    }

    public static String groupTitle(String group) {
        return GROUPS.getOrDefault(group, "");
    }
}
