package io.switchboard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The measurements themselves, against a side whose behaviour is known. */
class MeasurementsTest {

    /** Delivers synchronously; the publish of one chosen event stalls the publisher for {@code stallMillis}. */
    private static class StallingSide implements Side {
        private final long stallAt;
        private final long stallMillis;
        private DeliverySink sink;

        StallingSide(long stallAt, long stallMillis) {
            this.stallAt = stallAt;
            this.stallMillis = stallMillis;
        }

        @Override
        public void startConsumer(DeliverySink sink) {
            this.sink = sink;
        }

        @Override
        public CompletableFuture<?> publish(long seq) {
            if (seq == stallAt) {
                try {
                    Thread.sleep(stallMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sink.delivered(seq);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<?> publishBatch(long firstSeq, int count) {
            for (int i = 0; i < count; i++) {
                publish(firstSeq + i);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aStalledPublisherShowsInTheLatencyOfEveryEventThatShouldHaveBeenSentMeanwhile() throws Exception {
        // 1,000 events/s, 400 recorded; the publisher stalls 200 ms at the 100th recorded event. Measured from the
        // actual send, one event would be slow; measured from the intended start, the ~200 events that should
        // have gone out during the stall are late by up to 200 ms.
        StallingSide side = new StallingSide(10 + 100, 200);
        PhaseSink sink = new PhaseSink();
        side.startConsumer(sink);
        Measurements.Latency latency = Measurements.latency(side, sink, 0, 1_000, 10, 400, Duration.ofSeconds(10));

        Histogram e2e = latency.endToEnd();
        assertThat(e2e.getTotalCount()).isEqualTo(400);
        assertThat(e2e.getMaxValue()).isGreaterThanOrEqualTo(190_000);
        // Half the events were due during or after the stall; a quarter were more than ~100 ms late.
        assertThat(e2e.getValueAtPercentile(75)).as("e2e p75 in µs").isGreaterThanOrEqualTo(50_000);
        assertThat(latency.ack().getValueAtPercentile(75)).as("ack p75 in µs").isGreaterThanOrEqualTo(50_000);
        assertThat(latency.delivered()).isEqualTo(410);
    }

    @Test
    void throughputCountsOnlyTheMeasuredEventsAndWaitsForTheirAcknowledgements() throws Exception {
        StallingSide side = new StallingSide(-1, 0);
        PhaseSink sink = new PhaseSink();
        side.startConsumer(sink);
        Measurements.Throughput t = Measurements.throughput(side, sink, 0, 100, 1_000, 10, 100,
                Duration.ofSeconds(5), CpuMeter.clientOnly());
        assertThat(t.published()).isEqualTo(1_100);
        assertThat(t.delivered()).isEqualTo(1_100);
        assertThat(t.eventsPerSecond()).isPositive();
        assertThat(t.cpu().clientMicros()).as("client CPU µs per event (10 ms resolution)").isNotNegative();
        assertThat(t.cpu().brokerMicros()).as("no broker").isZero();
    }

    @Test
    void aFailedPublishMakesTheThroughputRunFailInsteadOfReportingAFigure() {
        Side failing = new StallingSide(-1, 0) {
            @Override
            public CompletableFuture<?> publish(long seq) {
                return CompletableFuture.failedFuture(new IllegalStateException("broker said no"));
            }
        };
        PhaseSink sink = new PhaseSink();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Measurements.throughput(failing, sink, 0, 0, 100, 10,
                1, Duration.ofSeconds(5), CpuMeter.clientOnly())).isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("broker said no");
    }

    @Test
    void theCpuOfAProcessIsReadFromProcAsTheJvmReportsItsOwn() {
        long fromProc = CpuMeter.processNanos(ProcessHandle.current().pid());
        long fromJvm = CpuMeter.processNanos();
        assertThat(fromJvm).as("this JVM has run for more than one 10 ms tick").isPositive();
        // Both count user + system time of every thread in ticks of 10 ms; read one after the other they differ
        // by a few ticks at most (a wrong field of /proc/<pid>/stat would be far off, or fail to parse).
        assertThat(fromProc).isCloseTo(fromJvm, org.assertj.core.data.Offset.offset(100_000_000L));
        assertThat(CpuMeter.processNanos(Long.MAX_VALUE)).as("no such process").isEqualTo(-1);
    }

    @Test
    void cpuPerEventIsTheDifferenceOverTheEventsAndUnknownStaysUnknown() {
        CpuMeter.Reading before = new CpuMeter.Reading(1_000_000, 5_000_000);
        CpuMeter.Usage used = new CpuMeter.Reading(3_000_000, 6_000_000).perEventSince(before, 1_000);
        assertThat(used.clientMicros()).isEqualTo(2.0);
        assertThat(used.brokerMicros()).isEqualTo(1.0);
        assertThat(new CpuMeter.Reading(3_000_000, -1).perEventSince(before, 1_000).brokerMicros()).isNegative();
    }
}
