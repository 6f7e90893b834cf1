package io.switchboard.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Everything one run measured, in the order it was measured. */
final class Results {

    static final String SINGLE = "single";
    static final String BATCH = "batch-100";

    /**
     * A row of {@code summary.csv}. Throughput rows ({@link #SINGLE}, {@link #BATCH}) have no latency; latency rows
     * ({@code e2e@<rate>/s}) carry Switchboard's publish-to-handler percentiles and the delivered rates. A missing
     * value is {@code null} (the driver is not available, or the figure does not apply).
     */
    record SummaryRow(String driver, int payloadBytes, String mode, Double switchboardEps, Double rawEps,
            Double p50Micros, Double p99Micros, Double p999Micros) {

        Double ratio() {
            return switchboardEps == null || rawEps == null || rawEps == 0 ? null : switchboardEps / rawEps;
        }
    }

    /** One latency distribution: side is {@code switchboard} or {@code raw}; kind is e2e, ack or batch-100. */
    record LatencyRow(String driver, int payloadBytes, String side, String kind, long count, double p50, double p99,
            double p999, double max, long published, long delivered) {

        static LatencyRow of(String driver, int payloadBytes, String side, String kind, Histogram h, long published,
                long delivered) {
            return new LatencyRow(driver, payloadBytes, side, kind, h.getTotalCount(), h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), published, delivered);
        }
    }

    /**
     * CPU time per event of a throughput row (median over the rounds), in µs: of this JVM (publisher, consumer and
     * client threads, JIT, GC) and of the broker processes; {@code null} where it could not be measured.
     */
    record CpuRow(String driver, int payloadBytes, String mode, Double switchboardClient, Double rawClient,
            Double switchboardBroker, Double rawBroker) {
    }

    /** A throughput or delivery shortfall worth a line in the report. */
    record Note(String driver, String text) {
    }

    /** The outcome of the memory test for one driver. */
    record MemoryRow(String driver, String outcome, long attempted, long acknowledged, String failures,
            long pending, long peakHeapBytes, long maxLiveAfterGcBytes, String maxHeap, double seconds,
            String detail) {
    }

    /** One JMH result. */
    record JmhRow(String benchmark, String params, double score, double error, String unit) {
    }

    final List<SummaryRow> summary = new ArrayList<>();
    final List<LatencyRow> latency = new ArrayList<>();
    final List<CpuRow> cpu = new ArrayList<>();
    final List<Note> notes = new ArrayList<>();
    final List<MemoryRow> memory = new ArrayList<>();
    final List<JmhRow> jmh = new ArrayList<>();
    final List<String> unavailable = new ArrayList<>();
}
