package io.switchboard;

/**
 * A subscription pattern over {@link EventType}s: {@code *} matches exactly one segment, a final {@code >} matches
 * one or more trailing segments ({@code billing.*.paid}, {@code billing.>}; {@code >} alone matches every type). A
 * pattern without wildcards matches
 * exactly one type. The syntax is that of NATS subjects, so the NATS drivers can use patterns natively.
 */
public record EventPattern(String value) {

    public EventPattern {
        if (!EventType.wellFormed(value, true)) {
            String problem = EventType.problem(value, true);
            if (problem != null) {
                throw SwitchboardException.invalid(problem);
            }
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
        // Segment by segment, without allocating: this runs for every event against every subscription.
        String pattern = value;
        int p = 0;
        int t = 0;
        while (true) {
            int pEnd = pattern.indexOf('.', p);
            int tEnd = type.indexOf('.', t);
            int pLen = (pEnd < 0 ? pattern.length() : pEnd) - p;
            int tLen = (tEnd < 0 ? type.length() : tEnd) - t;
            if (pLen == 1 && pattern.charAt(p) == '>') {
                return t < type.length();
            }
            boolean any = pLen == 1 && pattern.charAt(p) == '*';
            if (!any && (pLen != tLen || !pattern.regionMatches(p, type, t, pLen))) {
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
