package io.switchboard;

/**
 * A subscription pattern over {@link EventType}s: {@code *} matches exactly one segment, a final {@code >} matches
 * one or more trailing segments ({@code billing.*.paid}, {@code billing.>}; {@code >} alone matches every type). A
 * pattern without wildcards matches
 * exactly one type. The syntax is that of NATS subjects, so the NATS drivers can use patterns natively.
 */
public record EventPattern(String value) {

    public EventPattern {
        String problem = EventType.problem(value, true);
        if (problem != null) {
            throw SwitchboardException.invalid(problem);
        }
    }

    public static EventPattern of(String value) {
        return new EventPattern(value);
    }

    /** Whether the pattern contains a wildcard, i.e. may match more than one type. */
    public boolean isWildcard() {
        return value.indexOf('*') >= 0 || value.indexOf('>') >= 0;
    }

    public boolean matches(EventType type) {
        return matches(type.value());
    }

    public boolean matches(String type) {
        int p = 0;
        int t = 0;
        String pattern = value;
        while (true) {
            int pEnd = pattern.indexOf('.', p);
            int tEnd = type.indexOf('.', t);
            String seg = pattern.substring(p, pEnd < 0 ? pattern.length() : pEnd);
            if (seg.equals(">")) {
                return t < type.length();
            }
            String typeSeg = type.substring(t, tEnd < 0 ? type.length() : tEnd);
            if (!seg.equals("*") && !seg.equals(typeSeg)) {
                return false;
            }
            if (pEnd < 0 || tEnd < 0) {
                return pEnd < 0 && tEnd < 0;
            }
            p = pEnd + 1;
            t = tEnd + 1;
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
