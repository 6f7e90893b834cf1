package io.switchboard.hybrid.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The stream messages one durable consumer has acknowledged in this process (handled or dead-lettered), within a
 * bounded window (at most {@code capacity} entries, none older than {@code maxAge}), and those being handled now.
 * A stored message is identified by its stream sequence and its store timestamp, so a redelivery recognised here is
 * the same stored message, never another event (a stream deleted and re-created reuses sequences, not timestamps).
 *
 * <p>It exists because a server can forget acknowledgements it had confirmed (nats-server 2.9 writes consumer state
 * behind and loses it when killed) and redeliver what this consumer already acknowledged. The memory is gone when
 * the process ends: after a consumer crash such redeliveries are handled again (at-least-once allows that).
 */
final class AcknowledgedSequences {

    private final int capacity;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    /** Stream sequence to {store timestamp, acknowledged at (clock)}, oldest acknowledgement first. */
    private final LinkedHashMap<Long, long[]> acknowledged = new LinkedHashMap<>();
    private final Set<Long> handling = new HashSet<>();

    AcknowledgedSequences(int capacity, Duration maxAge, LongSupplier clock) {
        if (capacity < 1 || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("capacity must be >= 1 and maxAge > 0, got " + capacity + ", "
                    + maxAge);
        }
        this.capacity = capacity;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
    }

    /** What a delivery of ({@code sequence}, {@code stored}) is to this consumer. */
    enum Verdict {
        /** Not acknowledged here, not being handled: handle it (and call {@link #finished}). */
        NEW,
        /** Acknowledged here already: acknowledge again, do not handle. */
        ACKNOWLEDGED,
        /** Being handled here right now (a redelivery of the same message): leave it to that handling. */
        IN_PROGRESS
    }

    synchronized Verdict begin(long sequence, long stored) {
        expire();
        long[] entry = acknowledged.get(sequence);
        if (entry != null && entry[0] == stored) {
            return Verdict.ACKNOWLEDGED;
        }
        return handling.add(sequence) ? Verdict.NEW : Verdict.IN_PROGRESS;
    }

    /** The handling begun by {@link #begin} ended; {@code acknowledged} if the message was acknowledged. */
    synchronized void finished(long sequence, long stored, boolean acked) {
        handling.remove(sequence);
        if (acked) {
            acknowledged.remove(sequence);
            acknowledged.put(sequence, new long[] {stored, clock.getAsLong()});
            expire();
        }
    }

    synchronized int size() {
        return acknowledged.size();
    }

    private void expire() {
        long now = clock.getAsLong();
        Iterator<Map.Entry<Long, long[]>> oldestFirst = acknowledged.entrySet().iterator();
        while (oldestFirst.hasNext()) {
            Map.Entry<Long, long[]> e = oldestFirst.next();
            if (acknowledged.size() > capacity || now - e.getValue()[1] > maxAgeNanos) {
                oldestFirst.remove();
            } else {
                break;
            }
        }
    }
}
