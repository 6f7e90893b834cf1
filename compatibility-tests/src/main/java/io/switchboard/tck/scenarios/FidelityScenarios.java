package io.switchboard.tck.scenarios;

import io.switchboard.Event;
import io.switchboard.Switchboard;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Group F of the catalogue: what is published is what is delivered, field for field. */
public final class FidelityScenarios {

    private FidelityScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("F1", "every envelope field survives the round trip", FidelityScenarios::everyField));
    }

    /** F1: id, type, source, time with fractional seconds, key, data, correlation and every header, exactly. */
    static void everyField(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("fidelity");
        Map<String, Event<Map<String, Object>>> received = new ConcurrentHashMap<>();
        board.subscribe(group, type, castMap(), e -> received.put(e.id(), e));
        int n = ctx.sizes().fidelity();
        List<Event<Map<String, Object>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event<Map<String, Object>> e = Event.builder(type)
                    .timestamp(Instant.ofEpochSecond(1_700_000_000L + i, 123_456_789L - i))
                    .aggregate("Item", "item-" + (i % 7), i)
                    .correlationId("corr-" + i)
                    .causationId(i % 2 == 0 ? null : "cause-" + i)
                    .source("tck")
                    .schemaVersion(i % 3 + 1)
                    .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0" + (i % 2))
                    .header("tenant", "tenant-" + (i % 4))
                    .<Map<String, Object>>data(Map.of("n", i, "text", "value " + i, "nested",
                            Map.of("list", List.of(1, 2, 3), "flag", i % 2 == 0)))
                    .build();
            sent.add(e);
            board.publish(e).join();
        }
        ctx.await(n + " events received", n, () -> received.size() >= n);
        for (Event<Map<String, Object>> e : sent) {
            Event<Map<String, Object>> r = received.get(e.id());
            if (!e.equals(r)) {
                throw new AssertionError("event " + e.id() + " changed in transit:\n sent     " + e
                        + "\n received " + r);
            }
        }
        ctx.figure("events", n);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Class<Map<String, Object>> castMap() {
        return (Class) Map.class;
    }
}
