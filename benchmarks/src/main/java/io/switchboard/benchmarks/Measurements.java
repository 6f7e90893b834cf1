package io.switchboard.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** The measurements, identical for Switchboard and the raw client: both are a {@link Side}. */
final class Measurements {

    private Measurements() {
    }

    /**
     * Throughput of one measured run: acknowledged events per second, how many were delivered, and the CPU spent
     * per measured event from its first publish until the consumer caught up.
     */
    record Throughput(double eventsPerSecond, long published, long delivered, CpuMeter.Usage cpu) {
    }

    /** A latency run: publish-to-handler and publish-to-acknowledgement, both from the intended start time. */
    record Latency(Histogram endToEnd, Histogram ack, long published, long delivered, double achievedRate) {

        /** The rounds of one side as one run: histograms and counts added, the mean of the achieved rates. */
        static Latency sum(List<Latency> rounds) {
            long published = 0;
            long delivered = 0;
            double rates = 0;
            for (Latency l : rounds) {
                published += l.published();
                delivered += l.delivered();
                rates += l.achievedRate();
            }
            return new Latency(Measurements.sum(rounds.stream().map(Latency::endToEnd).toList()),
                    Measurements.sum(rounds.stream().map(Latency::ack).toList()), published, delivered,
                    rates / rounds.size());
        }
    }

    /** One histogram of every value recorded in {@code histograms} (at least one); they are not changed. */
    static Histogram sum(List<Histogram> histograms) {
        Histogram sum = histograms.get(0).copy();
        for (Histogram h : histograms.subList(1, histograms.size())) {
            sum.add(h);
        }
        return sum;
    }

    /**
     * Publishes {@code warmup} then {@code measured} events with at most {@code window} events unacknowledged
     * ({@code batchSize} > 1: batches of that size, the window counted in events), and measures the second part
     * from its first publish to its last acknowledgement. Then waits until the consumer caught up (or stopped
     * making progress), so the next run does not share the machine with this one's backlog; {@code cpu} meters
     * the measured part and that wait.
     */
    static Throughput throughput(Side side, PhaseSink sink, long firstSeq, int warmup, int measured, int window,
            int batchSize, Duration timeout, CpuMeter cpu) throws InterruptedException {
        long seq = firstSeq;
        seq = publishWindowed(side, seq, warmup, window, batchSize, timeout);
        CpuMeter.Reading before = cpu.read();
        long start = System.nanoTime();
        seq = publishWindowed(side, seq, measured, window, batchSize, timeout);
        long elapsed = System.nanoTime() - start;
        long published = seq - firstSeq;
        awaitDeliveries(sink, published, timeout);
        CpuMeter.Usage used = cpu.read().perEventSince(before, measured);
        return new Throughput(measured * 1e9 / elapsed, published, sink.delivered(), used);
    }

    private static long publishWindowed(Side side, long firstSeq, int count, int window, int batchSize,
            Duration timeout) throws InterruptedException {
        int permitsPerCall = Math.max(1, batchSize);
        int permits = Math.max(window, permitsPerCall);
        Semaphore inFlight = new Semaphore(permits);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long seq = firstSeq;
        for (int sent = 0; sent < count; sent += permitsPerCall) {
            int n = Math.min(permitsPerCall, count - sent);
            acquire(inFlight, n, deadline, failure);
            CompletableFuture<?> f = batchSize > 1 ? side.publishBatch(seq, n) : side.publish(seq);
            f.whenComplete((ok, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                inFlight.release(n);
            });
            seq += n;
        }
        acquire(inFlight, permits, deadline, failure);
        return seq;
    }

    private static void acquire(Semaphore semaphore, int permits, long deadline, AtomicReference<Throwable> failure)
            throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (!semaphore.tryAcquire(permits, Math.max(0, left), TimeUnit.NANOSECONDS)) {
            throw new BenchmarkException("Publishes were not acknowledged within the phase timeout ("
                    + (semaphore.availablePermits()) + " of the window free); raise --phase-timeout or check the "
                    + "broker");
        }
        Throwable error = failure.get();
        if (error != null) {
            throw new BenchmarkException("A publish failed during a throughput run: " + error, error);
        }
    }

    /**
     * Offers {@code count} events at {@code ratePerSecond} (after {@code warmup} events at the same rate), the i-th
     * intended at {@code start + i / rate}. A publish that starts late (the publisher or the previous call was
     * stalled) still counts from its intended time.
     */
    static Latency latency(Side side, PhaseSink sink, long firstSeq, int ratePerSecond, int warmup, int count,
            Duration timeout) throws InterruptedException {
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        long seq = firstSeq;
        // Warm-up at the offered rate, not recorded.
        long start = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            waitUntil(start + i * interval);
            side.publish(seq++);
        }
        long[] intended = new long[count];
        Recorder ack = new Recorder(PhaseSink.HIGHEST_TRACKABLE_MICROS, 3);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long measuredFirst = seq;
        sink.arm(measuredFirst, intended);
        start = System.nanoTime() + interval;
        for (int i = 0; i < count; i++) {
            long at = start + i * interval;
            intended[i] = at;
            waitUntil(at);
            side.publish(seq++).whenComplete((ok, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else {
                    ack.recordValue(PhaseSink.micros(System.nanoTime() - at));
                }
                acked.incrementAndGet();
            });
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acked.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        double achieved = count * 1e9 / Math.max(1, System.nanoTime() - start);
        if (failure.get() != null) {
            throw new BenchmarkException("A publish failed during a latency run: " + failure.get(), failure.get());
        }
        long published = seq - firstSeq;
        awaitDeliveries(sink, published, timeout);
        return new Latency(sink.endToEnd(), ack.getIntervalHistogram(), published, sink.delivered(), achieved);
    }

    /** Publishes {@code count} batches of {@code batchSize} one after the other; the time of each batch call. */
    static Histogram batchLatency(Side side, PhaseSink sink, long firstSeq, int warmup, int count, int batchSize,
            Duration timeout) throws Exception {
        Histogram histogram = new Histogram(PhaseSink.HIGHEST_TRACKABLE_MICROS, 3);
        long seq = firstSeq;
        for (int i = 0; i < warmup + count; i++) {
            long start = System.nanoTime();
            side.publishBatch(seq, batchSize).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long took = System.nanoTime() - start;
            if (i >= warmup) {
                histogram.recordValue(PhaseSink.micros(took));
            }
            seq += batchSize;
        }
        awaitDeliveries(sink, seq - firstSeq, timeout);
        return histogram;
    }

    /** Waits until {@code expected} deliveries arrived, or none arrived for two seconds, or the timeout. */
    static void awaitDeliveries(PhaseSink sink, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (sink.delivered() < expected && System.nanoTime() < deadline) {
            long now = sink.delivered();
            if (now != lastCount) {
                lastCount = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(2)) {
                return; // at-most-once drivers may lose events; the shortfall is reported
            }
            Thread.sleep(2);
        }
    }

    private static void waitUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
