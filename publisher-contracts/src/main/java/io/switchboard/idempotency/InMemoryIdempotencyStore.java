package io.switchboard.idempotency;

import io.switchboard.SwitchboardException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link IdempotencyStore} in this process's memory: completed keys are remembered for the window, and at most
 * {@code maxEntries} keys are kept (the oldest are forgotten first, so memory stays bounded under any load).
 * Time comes from an injectable {@link Clock}, so window expiry can be tested without waiting.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private record Entry(boolean completed, long expiresAtMillis) {
    }

    private final Clock clock;
    private final Duration window;
    private final int maxEntries;
    /** Insertion-ordered, so the eldest entries are evicted first. Guarded by {@code this}. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    public InMemoryIdempotencyStore() {
        this(Clock.systemUTC(), DEFAULT_WINDOW, DEFAULT_MAX_ENTRIES);
    }

    public InMemoryIdempotencyStore(Clock clock, Duration window, int maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (window == null || window.isNegative() || window.isZero()) {
            throw SwitchboardException.configuration("The idempotency window must be > 0, got " + window);
        }
        if (maxEntries < 1) {
            throw SwitchboardException.configuration("The idempotency store needs maxEntries >= 1, got " + maxEntries);
        }
        this.window = window;
        this.maxEntries = maxEntries;
    }

    @Override
    public synchronized Claim tryClaim(String scope, String key, Duration lease) {
        String k = compose(scope, key);
        long now = clock.millis();
        Entry existing = entries.get(k);
        if (existing != null && existing.expiresAtMillis > now) {
            return existing.completed ? Claim.COMPLETED : Claim.IN_PROGRESS;
        }
        if (existing != null) {
            entries.remove(k); // re-insert at the end: it is the newest now
        }
        entries.put(k, new Entry(false, now + lease.toMillis()));
        evict(now);
        return Claim.ACQUIRED;
    }

    @Override
    public synchronized void complete(String scope, String key) {
        String k = compose(scope, key);
        entries.remove(k);
        entries.put(k, new Entry(true, clock.millis() + window.toMillis()));
        evict(clock.millis());
    }

    @Override
    public synchronized void release(String scope, String key) {
        Entry e = entries.get(compose(scope, key));
        if (e != null && !e.completed) {
            entries.remove(compose(scope, key));
        }
    }

    @Override
    public Duration window() {
        return window;
    }

    /** The number of keys held (claimed or completed), expired ones included until evicted. */
    public synchronized int size() {
        return entries.size();
    }

    /** Drops expired entries from the eldest end, and the eldest entries beyond {@code maxEntries}. */
    private void evict(long now) {
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext();) {
            Entry eldest = it.next().getValue();
            if (entries.size() <= maxEntries && eldest.expiresAtMillis > now) {
                return;
            }
            it.remove();
        }
    }

    private static String compose(String scope, String key) {
        return scope + '\u0000' + key;
    }
}
