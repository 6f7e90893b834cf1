package io.switchboard.tck;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a hybrid driver's fixture tells the kit (DESIGN.md, "The hybrid driver"), for the scenarios of group H: which
 * event types the driver broadcasts in real time, and control of each leg.
 *
 * <p>The kit's real-time events have types {@code tck-<run>.<scenario>.<realTimeSegment>.<name>}; the fixture
 * configures its driver's real-time patterns with {@link #realTimePattern()} (e.g. {@code *.*.live.>}), so those
 * types, and no other type of the kit, also go to the broadcast leg. A leg the fixture cannot control is given as
 * {@link #uncontrolled()}; the scenarios that need to take it down then report "infrastructure missing".
 *
 * @param realTimeSegment the third segment of the kit's real-time types: lowercase letters and digits, words joined
 *                        by {@code -}
 * @param queueLeg        control of the reliable queue leg (what group subscriptions read)
 * @param broadcastLeg    control of the real-time broadcast leg (NATS core; what broadcast subscriptions read)
 */
public record HybridLegs(String realTimeSegment, BrokerControl queueLeg, BrokerControl broadcastLeg) {

    /** The segment used by {@link #of(BrokerControl, BrokerControl)}. */
    public static final String DEFAULT_REAL_TIME_SEGMENT = "live";

    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public HybridLegs {
        Objects.requireNonNull(realTimeSegment, "realTimeSegment");
        if (!SEGMENT.matcher(realTimeSegment).matches()) {
            throw new IllegalArgumentException("realTimeSegment must be lowercase letters and digits, words joined "
                    + "by '-', e.g. 'live'; got '" + realTimeSegment + "'");
        }
        Objects.requireNonNull(queueLeg, "queueLeg (use HybridLegs.uncontrolled() for a leg without control)");
        Objects.requireNonNull(broadcastLeg, "broadcastLeg (use HybridLegs.uncontrolled() for a leg without control)");
    }

    /** Legs with the default real-time segment {@code live}: configure the driver with {@code *.*.live.>}. */
    public static HybridLegs of(BrokerControl queueLeg, BrokerControl broadcastLeg) {
        return new HybridLegs(DEFAULT_REAL_TIME_SEGMENT, queueLeg, broadcastLeg);
    }

    /**
     * The real-time pattern the fixture's driver must be configured with: it matches the kit's real-time types
     * ({@code tck-<run>.<scenario>.<segment>.<name>}) and none of its other types.
     */
    public String realTimePattern() {
        return "*.*." + realTimeSegment + ".>";
    }

    /** A control that supports no fault, for a leg the fixture cannot take down. */
    public static BrokerControl uncontrolled() {
        return Set::of;
    }
}
