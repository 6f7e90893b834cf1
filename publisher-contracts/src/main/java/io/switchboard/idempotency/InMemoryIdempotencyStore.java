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
 * {@code maxEntries} keys are kept (the least recently used are forgotten first, so memory stays bounded under any
 * load; a key is used when it is claimed, completed, or looked up by a duplicate).
 * Time comes from an injectable {@link Clock}, so window expiry can be tested without waiting.
 *
 * <p>A large store is split into up to {@value #MAX_SEGMENTS} segments by key, each with its own lock and an equal
 * share of {@code maxEntries}, so that concurrent handlers do not all wait for one lock; "least recently used
 * first" then holds within a segment. Each segment holds at least {@value #MIN_SEGMENT_ENTRIES} keys, so a store
 * of fewer than twice that is a single segment, with exactly the order described above.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    static final int MAX_SEGMENTS = 16;
    static final int MIN_SEGMENT_ENTRIES = 1000;

    /** A key's state, changed in place: completing a claim costs one lookup and no allocation. */
    private static final class Entry {
        boolean completed;
        long expiresAtMillis;

        Entry(boolean completed, long expiresAtMillis) {
            this.completed = completed;
            this.expiresAtMillis = expiresAtMillis;
        }

        void set(boolean completed, long expiresAtMillis) {
            this.completed = completed;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    /** A scope and key; both strings cache their hash codes. */
    private record Key(String scope, String key) {
    }

    private final Clock clock;
    private final Duration window;
    private final Segment[] segments;

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
        int count = Integer.highestOneBit(Math.max(1, Math.min(MAX_SEGMENTS, maxEntries / MIN_SEGMENT_ENTRIES)));
        this.segments = new Segment[count];
        for (int i = 0; i < count; i++) {
            segments[i] = new Segment(maxEntries / count);
        }
    }

    @Override
    public Claim tryClaim(String scope, String key, Duration lease) {
        Key k = new Key(scope, key);
        Segment segment = segmentOf(k);
        synchronized (segment) {
            long now = clock.millis();
            Entry existing = segment.entries.get(k); // a hit is moved to the newest end
            if (existing != null && existing.expiresAtMillis > now) {
                return existing.completed ? Claim.COMPLETED : Claim.IN_PROGRESS;
            }
            if (existing != null) {
                existing.set(false, now + lease.toMillis());
            } else {
                segment.entries.put(k, new Entry(false, now + lease.toMillis()));
            }
            segment.evict(now);
            return Claim.ACQUIRED;
        }
    }

    @Override
    public void complete(String scope, String key) {
        Key k = new Key(scope, key);
        Segment segment = segmentOf(k);
        synchronized (segment) {
            long now = clock.millis();
            Entry existing = segment.entries.get(k);
            if (existing != null) {
                existing.set(true, now + window.toMillis());
            } else { // completed without a claim, or after its claim was evicted
                segment.entries.put(k, new Entry(true, now + window.toMillis()));
            }
            segment.evict(now);
        }
    }

    @Override
    public void release(String scope, String key) {
        Key k = new Key(scope, key);
        Segment segment = segmentOf(k);
        synchronized (segment) {
            Entry e = segment.entries.get(k);
            if (e != null && !e.completed) {
                segment.entries.remove(k);
            }
        }
    }

    @Override
    public Duration window() {
        return window;
    }

    /** The number of keys held (claimed or completed), expired ones included until evicted. */
    public int size() {
        int size = 0;
        for (Segment segment : segments) {
            synchronized (segment) {
                size += segment.entries.size();
            }
        }
        return size;
    }

    /**
     * The segment of a key, from the top bits of its mixed hash: each segment's map indexes by the low bits, which
     * must not be the same for all of a segment's keys (that would pile them into a sixteenth of the buckets).
     */
    private Segment segmentOf(Key k) {
        if (segments.length == 1) {
            return segments[0];
        }
        int mixed = k.hashCode() * 0x9E3779B9;
        return segments[mixed >>> (Integer.SIZE - Integer.numberOfTrailingZeros(segments.length))];
    }

    /** A share of the keys. Guarded by itself. */
    private static final class Segment {
        private final int maxEntries;
        /** In access order (a lookup moves the entry to the newest end), so the eldest entries are evicted first. */
        private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

        Segment(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        /**
         * Drops expired entries from the eldest end, and the eldest entries beyond {@code maxEntries}. An expired
         * entry behind one still valid (a claim's lease is shorter than the window) stays until it reaches the end
         * or is looked up; {@code maxEntries} bounds the store either way.
         */
        void evict(long now) {
            for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext();) {
                Entry eldest = it.next().getValue();
                if (entries.size() <= maxEntries && eldest.expiresAtMillis > now) {
                    return;
                }
                it.remove();
            }
        }
    }
}
