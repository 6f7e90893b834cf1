package io.switchboard.hybrid.internal;

import io.switchboard.EventPattern;
import io.switchboard.RealTime;
import io.switchboard.spi.OutboundMessage;
import java.util.List;

/** Which events also go to the broadcast leg: types matching a configured pattern, or data classes marked {@link RealTime}. */
public final class RealTimeRouting {

    private static final ClassValue<Boolean> ANNOTATED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type.isAnnotationPresent(RealTime.class);
        }
    };

    private final List<EventPattern> patterns;

    public RealTimeRouting(List<EventPattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    public boolean isRealTime(OutboundMessage message) {
        if (message.dataType() != null && ANNOTATED.get(message.dataType())) {
            return true;
        }
        for (EventPattern p : patterns) {
            if (p.matches(message.type())) {
                return true;
            }
        }
        return false;
    }

    /** Whether every type {@code pattern} matches is real-time by the configured patterns alone. */
    public boolean covers(EventPattern pattern) {
        for (EventPattern p : patterns) {
            if (subsumes(p.value().split("\\."), pattern.value().split("\\."))) {
                return true;
            }
        }
        return false;
    }

    /** Whether every type matched by {@code inner} is matched by {@code outer} (NATS subject wildcard rules). */
    static boolean subsumes(String[] outer, String[] inner) {
        for (int i = 0; i < outer.length; i++) {
            if (outer[i].equals(">")) {
                return inner.length > i; // '>' covers one or more remaining segments, wildcards included
            }
            if (i >= inner.length) {
                return false;
            }
            if (inner[i].equals(">")) {
                return false; // inner matches arbitrarily long types; outer has a fixed length here
            }
            if (!outer[i].equals("*") && !outer[i].equals(inner[i])) {
                return false;
            }
        }
        return outer.length == inner.length;
    }
}
