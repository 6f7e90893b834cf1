package io.switchboard.tck.reference;

/**
 * A deliberate defect of the reference driver, for the kit's self-proof (TCK.md, "Self-proof"). Each is
 * deterministic: counters, never randomness, decide which send or delivery is affected.
 */
public enum Flaw {
    /** Every 100th send is reported as acknowledged but never reaches the broker (1%). */
    LOSSY,
    /** Every 20th successful delivery is handed to the handler a second time (5%). */
    DUPLICATING,
    /** When a key's earlier event is done, the key's newest waiting event goes next instead of its oldest. */
    REORDERING,
    /** A delivery is acknowledged when it is dispatched, before the handler runs; its outcome is ignored. */
    ACKS_BEFORE_HANDLING,
    /** A group drops any delivery of an event id it has delivered before, so a retry never runs. */
    DEDUPS_BEFORE_SUCCESS,
    /** A failed attempt ({@code Retry}) is treated as an acknowledgement. */
    IGNORES_NACK,
    /** Dead letters are dropped instead of being kept. */
    NEVER_DEAD_LETTERS,
    /** A closed group subscription stays a member of its group and keeps receiving. */
    LEAKS_CONSUMERS_ON_CLOSE,
    /**
     * Sends are acknowledged at once and forwarded to the broker after a 300 ms linger; {@code flush} does nothing and
     * {@code close} discards what has not been forwarded yet.
     */
    DROPS_ON_CLOSE,
    /** Health reports UP whatever the broker's state. */
    HEALTH_ALWAYS_UP,
    /** Hybrid: a real-time publish fails with {@code UNAVAILABLE} while the broadcast leg is down. */
    PUBLISH_NEEDS_BROADCAST_LEG,
    /** Hybrid: broadcast subscriptions open when the broadcast leg went down receive nothing afterwards. */
    BROADCAST_NEVER_RECONNECTS
}
