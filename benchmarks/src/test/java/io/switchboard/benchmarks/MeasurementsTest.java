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
    void roundsAreSummedIntoOneDistributionOfAllTheirEvents() throws Exception {
        // Two rounds of 200 events at 1,000 events/s; the second stalls 100 ms at its 50th recorded event. Summed,
        // the ~100 late events are a quarter of 400: the p90 is late, the p50 is not, and every event is counted.
        Measurements.Latency calm = round(new StallingSide(-1, 0));
        Measurements.Latency stalled = round(new StallingSide(10 + 50, 100));
        Measurements.Latency sum = Measurements.Latency.sum(java.util.List.of(calm, stalled));

        assertThat(sum.endToEnd().getTotalCount()).isEqualTo(400);
        assertThat(sum.ack().getTotalCount()).isEqualTo(400);
        assertThat(sum.published()).isEqualTo(calm.published() + stalled.published()).isEqualTo(420);
        assertThat(sum.delivered()).isEqualTo(420);
        assertThat(sum.endToEnd().getMaxValue()).isEqualTo(stalled.endToEnd().getMaxValue())
                .isGreaterThanOrEqualTo(90_000);
        assertThat(sum.endToEnd().getValueAtPercentile(90)).as("e2e p90 in µs").isGreaterThanOrEqualTo(20_000);
        assertThat(sum.endToEnd().getValueAtPercentile(50)).as("e2e p50 in µs").isLessThan(20_000);
        assertThat(sum.achievedRate()).isEqualTo((calm.achievedRate() + stalled.achievedRate()) / 2);
        // the rounds' own histograms are not changed by the sum
        assertThat(calm.endToEnd().getTotalCount()).isEqualTo(200);
        assertThat(calm.endToEnd().getMaxValue()).isLessThan(90_000);
    }

    private static Measurements.Latency round(StallingSide side) throws InterruptedException {
        PhaseSink sink = new PhaseSink();
        side.startConsumer(sink);
        return Measurements.latency(side, sink, 0, 1_000, 10, 200, Duration.ofSeconds(10));
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
