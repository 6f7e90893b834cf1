package io.switchboard.tck.internal;

import java.util.Map;

/** The outcome of one scenario in one run, as it goes into the report. */
public record ScenarioResult(String id, String group, Scenario.Level level, String title, Status status,
        String detail, Map<String, Object> figures, long durationMillis) {

    /** Not claimed (the declaration does not promise it) and infrastructure missing are different statuses. */
    public enum Status { PASS, FAIL, NOT_CLAIMED, INFRASTRUCTURE_MISSING, NOT_VERIFIED }
}
