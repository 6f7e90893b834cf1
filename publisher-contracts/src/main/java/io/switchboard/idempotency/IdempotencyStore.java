package io.switchboard.idempotency;

import java.time.Duration;

/**
 * Remembers which keys a subscriber group has handled, so a duplicate delivery acknowledges without running the
 * handler again. A key is <em>claimed</em> before the handler runs, <em>completed</em> only after it succeeded, and
 * <em>released</em> when it failed, so a redelivery after a failure is processed again. The claim is what makes two
 * concurrent deliveries of one key run the side effect once.
 *
 * <p>Implementations must make {@link #tryClaim} atomic per (scope, key). Durable implementations (Redis, JDBC)
 * return {@code true} from {@link #isDurable()}.
 */
public interface IdempotencyStore {

    /** The result of {@link #tryClaim}. */
    enum Claim {
        /** The caller owns the key now and must complete or release it. */
        ACQUIRED,
        /** Another delivery is handling the key right now. */
        IN_PROGRESS,
        /** The key was handled successfully within the window. */
        COMPLETED
    }

    /**
     * Claims {@code key} in {@code scope} (a subscriber group). A claim not completed or released within
     * {@code lease} expires, so a crashed consumer does not block the key forever.
     */
    Claim tryClaim(String scope, String key, Duration lease);

    /** Marks the key handled; it is remembered for {@link #window()}. */
    void complete(String scope, String key);

    /** Gives up a claim after a failed attempt, so the next delivery is processed. */
    void release(String scope, String key);

    /** How long a completed key is remembered. */
    Duration window();

    /** Whether completed keys survive a restart of the consumer process. */
    default boolean isDurable() {
        return false;
    }
}
