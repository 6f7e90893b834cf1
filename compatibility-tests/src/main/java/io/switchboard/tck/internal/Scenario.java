package io.switchboard.tck.internal;

import io.switchboard.Capabilities;
import io.switchboard.tck.BrokerControl;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One scenario of the catalogue (TCK.md): its id ({@code F1}), level, title, the capability it is gated on, the
 * infrastructure it needs, and its body. Scenarios are values, run by the kit; a driver's suite cannot override or
 * skip them, only its capability declaration selects what runs.
 */
public record Scenario(String id, Level level, String title, Gate gate, boolean needsInspector,
        Set<BrokerControl.Fault> needsFaults, Body body, String notVerifiedReason) {

    public enum Level { MUST, SHOULD, MAY }

    /** The scenario's checks; throws {@link AssertionError} (or anything) when the driver breaks its promise. */
    @FunctionalInterface
    public interface Body {
        void run(ScenarioContext ctx) throws Exception;
    }

    /** Why the declaration does not claim what the scenario proves, or {@code null} when it does. */
    @FunctionalInterface
    public interface Gate {
        String notClaimed(Capabilities capabilities);

        Gate ALWAYS = c -> null;

        default Gate and(Gate other) {
            return c -> {
                String reason = notClaimed(c);
                return reason != null ? reason : other.notClaimed(c);
            };
        }
    }

    public Scenario {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(title, "title");
        gate = gate == null ? Gate.ALWAYS : gate;
        needsFaults = needsFaults == null || needsFaults.isEmpty() ? Set.of() : Set.copyOf(needsFaults);
    }

    public static Scenario must(String id, String title, Body body) {
        return new Scenario(id, Level.MUST, title, Gate.ALWAYS, false, Set.of(), body, null);
    }

    public static Scenario should(String id, String title, Body body) {
        return new Scenario(id, Level.SHOULD, title, Gate.ALWAYS, false, Set.of(), body, null);
    }

    public static Scenario may(String id, String title, Body body) {
        return new Scenario(id, Level.MAY, title, Gate.ALWAYS, false, Set.of(), body, null);
    }

    /** A scenario of the catalogue the kit cannot check yet; reported as "not verified", never as a pass. */
    public static Scenario notVerified(String id, Level level, String title, String reason) {
        return new Scenario(id, level, title, Gate.ALWAYS, false, Set.of(), null, reason);
    }

    public Scenario when(Gate more) {
        return new Scenario(id, level, title, gate.and(more), needsInspector, needsFaults, body, notVerifiedReason);
    }

    public Scenario withInspector() {
        return new Scenario(id, level, title, gate, true, needsFaults, body, notVerifiedReason);
    }

    public Scenario withFaults(BrokerControl.Fault first, BrokerControl.Fault... more) {
        return new Scenario(id, level, title, gate, needsInspector, EnumSet.of(first, more), body,
                notVerifiedReason);
    }

    /** The group: the letters of the id ({@code F} for {@code F1}). */
    public String group() {
        int i = 0;
        while (i < id.length() && Character.isLetter(id.charAt(i))) {
            i++;
        }
        return id.substring(0, i);
    }

    public String displayName() {
        return id + " [" + level + "] " + title;
    }
}
