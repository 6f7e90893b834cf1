package io.switchboard.tck.internal;

import io.switchboard.Capabilities;
import io.switchboard.Capabilities.Delivery;
import io.switchboard.Capabilities.Durability;
import io.switchboard.Capabilities.Ordering;
import io.switchboard.tck.internal.Scenario.Gate;

/** The capability conditions scenarios are gated on, each with the reason shown when it is not claimed. */
public final class Gates {

    private Gates() {
    }

    public static final Gate AT_LEAST_ONCE = c -> c.delivery() == Delivery.AT_LEAST_ONCE ? null
            : "delivery is " + c.delivery();

    public static final Gate AT_MOST_ONCE = c -> c.delivery() == Delivery.AT_MOST_ONCE ? null
            : "delivery is " + c.delivery();

    public static final Gate COMPETING = c -> c.competingConsumers() ? null : "competing consumers not declared";

    public static final Gate FAN_OUT = c -> c.fanOutGroups() ? null : "fan-out to several groups not declared";

    public static final Gate DEAD_LETTERING = c -> c.deadLettering() != Capabilities.DeadLettering.NONE ? null
            : "dead-lettering is NONE";

    public static final Gate BATCH = c -> c.batch() != Capabilities.BatchMode.NONE ? null : "batch is NONE";

    public static final Gate ATTEMPT_COUNTER = c -> c.attemptCounter() ? null : "attempt counter not declared";

    public static final Gate CONSUMER_DEDUP = c -> !c.consumerDedupWindow().isZero() ? null
            : "consumer-side deduplication is off";

    public static final Gate DURABLE_DEDUP = c -> c.consumerDedupDurable() ? null
            : "consumer-side deduplication is not durable";

    public static final Gate ORDER_ACROSS_RETRY = c -> c.orderingAcrossRetry() ? null
            : "ordering across retries not declared";

    public static final Gate SURVIVES_CONSUMER_RESTART = c -> c.durability() != Durability.NONE ? null
            : "durability is NONE";

    public static final Gate SURVIVES_BROKER_RESTART = c -> c.durability() == Durability.BROKER_RESTART ? null
            : "durability is " + c.durability();

    public static Gate orderingAtLeast(Ordering minimum) {
        return c -> c.ordering().compareTo(minimum) >= 0 ? null : "ordering is " + c.ordering();
    }
}
