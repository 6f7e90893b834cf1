package io.switchboard;

/** Which key consumer-side deduplication uses, per subscriber group. */
public enum IdempotencyKey {
    /** No deduplication: every delivery runs the handler. */
    NONE,
    /** The event id (the default). */
    EVENT_ID,
    /**
     * The natural key {@code aggregateId:type:version}; events without aggregate id or version fall back to the
     * event id.
     */
    NATURAL_KEY;

    /** The key for {@code event}, or {@code null} for {@link #NONE}. */
    public String keyFor(Event<?> event) {
        return switch (this) {
            case NONE -> null;
            case EVENT_ID -> event.id();
            case NATURAL_KEY -> event.naturalKey() != null ? event.naturalKey() : event.id();
        };
    }
}
