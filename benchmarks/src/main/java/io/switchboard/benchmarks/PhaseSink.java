package io.switchboard.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts the deliveries of one phase and, while a latency run is armed, records each delivery's latency from the
 * event's <em>intended</em> publish time (not the actual one), so a stall of the publisher or the broker shows in
 * the percentiles instead of being hidden by coordinated omission.
 */
final class PhaseSink implements Side.DeliverySink {

    static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(5);

    private final AtomicLong delivered = new AtomicLong();
    private final Recorder endToEnd = new Recorder(HIGHEST_TRACKABLE_MICROS, 3);
    private volatile long[] intendedNanos;
    private volatile long firstSeq;

    @Override
    public void delivered(long seq) {
        long now = System.nanoTime();
        delivered.incrementAndGet();
        long[] intended = intendedNanos;
        if (intended != null) {
            long index = seq - firstSeq;
            if (index >= 0 && index < intended.length && intended[(int) index] != 0) {
                endToEnd.recordValue(micros(now - intended[(int) index]));
            }
        }
    }

    long delivered() {
        return delivered.get();
    }

    /** Records the latency of sequence numbers {@code firstSeq .. firstSeq + intended.length - 1} from now on. */
    void arm(long firstSeq, long[] intended) {
        this.firstSeq = firstSeq;
        this.intendedNanos = intended;
        endToEnd.reset();
    }

    Histogram endToEnd() {
        return endToEnd.getIntervalHistogram();
    }

    static long micros(long nanos) {
        return Math.min(HIGHEST_TRACKABLE_MICROS, Math.max(0, nanos / 1_000));
    }
}
