package io.switchboard.benchmarks;

import io.switchboard.SwitchboardException;
import io.switchboard.benchmarks.fixtures.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.runner.RunnerException;

/**
 * The benchmark command ({@code ./run-benchmarks.sh}): for every fixture, Switchboard and the raw client on the
 * same local brokers, alternating, then the memory test and the JMH microbenchmarks; writes the results to
 * {@code benchmarks/target/results} (or {@code --out}). {@code --short} runs everything with tiny counts.
 */
public final class BenchmarkMain {

    /** The drivers whose memory test runs in the short mode. */
    static final List<String> SHORT_MODE_MEMORY = List.of("in-memory", "redis-streams");

    private final RunConfig config;
    private final Results results = new Results();
    private final AtomicInteger phases = new AtomicInteger();
    private final List<String> errors = new ArrayList<>();

    private BenchmarkMain(RunConfig config) {
        this.config = config;
    }

    public static void main(String[] args) {
        try {
            Path out = run(args);
            System.out.println("Results: " + out.resolve("summary.md"));
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the benchmarks as the command line says and returns the results directory. */
    public static Path run(String... args) throws Exception {
        quietLogging();
        RunConfig config = RunConfig.parse(args);
        List<BenchmarkFixture> fixtures = Fixtures.all().stream()
                .filter(f -> config.only().isEmpty() || config.only().contains(f.name())).toList();
        if (fixtures.isEmpty()) {
            throw new IllegalArgumentException("--only matched no driver; the drivers are "
                    + Fixtures.all().stream().map(BenchmarkFixture::name).toList());
        }
        return new BenchmarkMain(config).runAll(fixtures);
    }

    private Path runAll(List<BenchmarkFixture> fixtures) throws Exception {
        Instant started = Instant.now();
        Map<String, String> machine = MachineDescription.describe();
        log("Switchboard benchmarks%s on %s cores (%s), load %s", config.shortMode() ? " (short mode)" : "",
                machine.get("cores"), machine.get("cpu"), machine.get("load average at start"));
        try (Brokers brokers = new Brokers()) {
            for (BenchmarkFixture fixture : fixtures) {
                try {
                    runFixture(fixture, brokers);
                } catch (Exception | AssertionError e) {
                    errors.add(fixture.name() + ": " + e);
                    log("  %s FAILED: %s", fixture.name(), e);
                    e.printStackTrace(System.out);
                }
            }
        }
        if (config.memory()) {
            for (BenchmarkFixture fixture : fixtures) {
                if (results.unavailable.stream().anyMatch(u -> u.startsWith(fixture.name() + ":"))) {
                    continue;
                }
                if (config.shortMode() && !SHORT_MODE_MEMORY.contains(fixture.name())) {
                    continue; // each takes a JVM and a few seconds; one broker-backed driver keeps the path tested
                }
                log("memory: %s, %,d publishes with the broker frozen", fixture.name(), config.memoryEvents());
                Results.MemoryRow row;
                try {
                    row = MemoryTest.runInChildJvm(fixture, config);
                } catch (IOException | RuntimeException e) {
                    errors.add("memory test of " + fixture.name() + ": " + e);
                    continue;
                }
                if (row != null) {
                    results.memory.add(row);
                    log("  %s: %s; attempted %d, acknowledged %d, failures %s, peak heap %.1f MiB", row.driver(),
                            row.outcome(), row.attempted(), row.acknowledged(), row.failures(),
                            row.peakHeapBytes() / 1048576.0);
                    if (!row.outcome().startsWith("bounded")) {
                        errors.add("memory test of " + row.driver() + ": " + row.outcome() + " " + row.detail());
                    }
                }
            }
        }
        if (config.jmh()) {
            log("JMH microbenchmarks%s", config.shortMode() ? " (in-process, one 100 ms iteration)" : "");
            try {
                results.jmh.addAll(JmhRun.run(config.shortMode()));
            } catch (RunnerException | RuntimeException e) {
                errors.add("JMH: " + e);
                log("  JMH FAILED: %s", e);
            }
        }
        Path out = config.output();
        ResultsWriter.write(out, results, config, machine, MachineDescription.loadAverage(), started);
        log("Wrote %s (summary.csv, latency.csv, cpu.csv, summary.md, summary.png) in %d s", out,
                Duration.between(started, Instant.now()).toSeconds());
        if (!errors.isEmpty()) {
            throw new BenchmarkException("The benchmarks had failures (results written for the rest):\n  "
                    + String.join("\n  ", errors));
        }
        return out;
    }

    private void runFixture(BenchmarkFixture fixture, Brokers brokers) throws Exception {
        log("%s: %s", fixture.name(), fixture.description());
        brokers.start(fixture.brokers());
        String unavailable = probe(fixture, brokers);
        if (unavailable != null) {
            results.unavailable.add(fixture.name() + ": Switchboard side not available (" + unavailable
                    + "); only the raw client was measured");
            log("  Switchboard side not available: %s", unavailable);
        }
        boolean available = unavailable == null;
        if (config.jitWarmupEvents() > 0) {
            jitWarmup(fixture, brokers, available);
        }
        for (int size : config.payloadSizes()) {
            Payloads payloads = new Payloads(size);
            for (String mode : List.of(Results.SINGLE, Results.BATCH)) {
                int batch = mode.equals(Results.BATCH) ? config.batchSize() : 1;
                List<Measurements.Throughput> raw = new ArrayList<>();
                List<Measurements.Throughput> switchboard = new ArrayList<>();
                CpuMeter cpu = new CpuMeter(brokers::cpuNanos);
                for (int round = 0; round < config.rounds(); round++) {
                    for (boolean isRaw : sides(round, available)) {
                        Measurements.Throughput t = phase(fixture, brokers, payloads, isRaw, (side, sink) ->
                                Measurements.throughput(side, sink, 0, config.warmupEvents(),
                                        config.measuredEvents(), config.window(), batch, config.phaseTimeout(), cpu));
                        (isRaw ? raw : switchboard).add(t);
                        noteShortfall(fixture, size, mode, isRaw, t.published(), t.delivered());
                    }
                }
                Double sb = median(switchboard, Measurements.Throughput::eventsPerSecond);
                Double r = median(raw, Measurements.Throughput::eventsPerSecond);
                results.summary.add(new Results.SummaryRow(fixture.name(), size, mode, sb, r, null, null, null));
                Results.CpuRow cpuRow = new Results.CpuRow(fixture.name(), size, mode,
                        median(switchboard, t -> t.cpu().clientMicros()), median(raw, t -> t.cpu().clientMicros()),
                        median(switchboard, t -> t.cpu().brokerMicros()), median(raw, t -> t.cpu().brokerMicros()));
                results.cpu.add(cpuRow);
                log("  %5d B %-9s Switchboard %s ev/s, raw %s ev/s, ratio %s; CPU µs/event client + broker: "
                        + "Switchboard %s + %s, raw %s + %s", size, mode, fmt(sb), fmt(r),
                        sb == null || r == null ? "–" : String.format(Locale.ROOT, "%.3f", sb / r),
                        fmt2(cpuRow.switchboardClient()), fmt2(cpuRow.switchboardBroker()), fmt2(cpuRow.rawClient()),
                        fmt2(cpuRow.rawBroker()));
            }
            latency(fixture, brokers, payloads, available);
        }
    }

    /**
     * Both sides publish {@link RunConfig#jitWarmupEvents()} single events and half as many in batches, unrecorded,
     * before the driver's first measurement: on two cores the JIT compiler competes with the run for a long time
     * (the Switchboard side, with more code to compile, was still speeding up after a million events), and a
     * measurement should compare compiled code on both sides, not how soon each was compiled.
     */
    private void jitWarmup(BenchmarkFixture fixture, Brokers brokers, boolean available) throws Exception {
        long started = System.nanoTime();
        Payloads payloads = new Payloads(config.payloadSizes().get(0));
        CpuMeter cpu = new CpuMeter(brokers::cpuNanos);
        for (boolean isRaw : available ? new boolean[] {true, false} : new boolean[] {true}) {
            for (int batch : new int[] {1, config.batchSize()}) {
                int events = batch == 1 ? config.jitWarmupEvents() : config.jitWarmupEvents() / 2;
                phase(fixture, brokers, payloads, isRaw, (side, sink) -> Measurements.throughput(side, sink, 0, 0,
                        events, config.window(), batch, config.phaseTimeout(), cpu));
            }
        }
        log("  warmed up both sides (%,d + %,d events each) in %.1f s", config.jitWarmupEvents(),
                config.jitWarmupEvents() / 2, (System.nanoTime() - started) / 1e9);
    }

    /**
     * The latency phases, split into {@link RunConfig#rounds()} rounds that alternate the sides like the throughput
     * rounds; each side's histograms are the sum of its rounds. On a shared machine a stall lasting a few seconds
     * lands in one round of one side; with one long phase per side it decided that side's p99 alone.
     */
    private void latency(BenchmarkFixture fixture, Brokers brokers, Payloads payloads, boolean available)
            throws Exception {
        int size = payloads.wireBytes();
        int rounds = config.rounds();
        int events = config.latencyEventsPerRound();
        int warmup = config.latencyWarmupPerRound();
        List<Measurements.Latency> rawRounds = new ArrayList<>();
        List<Measurements.Latency> sbRounds = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (boolean isRaw : sides(round, available)) {
                Measurements.Latency l = phase(fixture, brokers, payloads, isRaw, (side, sink) -> Measurements.latency(
                        side, sink, 0, config.latencyRate(), warmup, events, config.phaseTimeout()));
                (isRaw ? rawRounds : sbRounds).add(l);
            }
            log("  %5d B e2e round %d p99 µs: Switchboard %s, raw %d", size, round + 1,
                    sbRounds.isEmpty() ? "n/a" : Long.toString(sbRounds.get(round).endToEnd().getValueAtPercentile(99)),
                    rawRounds.get(round).endToEnd().getValueAtPercentile(99));
        }
        Measurements.Latency raw = Measurements.Latency.sum(rawRounds);
        Measurements.Latency sb = sbRounds.isEmpty() ? null : Measurements.Latency.sum(sbRounds);
        addLatency(fixture, size, "raw", raw);
        if (sb != null) {
            addLatency(fixture, size, "switchboard", sb);
        }
        String mode = "e2e@" + config.latencyRate() + "/s";
        var e2e = sb == null ? null : sb.endToEnd();
        results.summary.add(new Results.SummaryRow(fixture.name(), size, mode,
                sb == null ? null : deliveredRate(sb), deliveredRate(raw),
                e2e == null ? null : (double) e2e.getValueAtPercentile(50),
                e2e == null ? null : (double) e2e.getValueAtPercentile(99),
                e2e == null ? null : (double) e2e.getValueAtPercentile(99.9)));
        log("  %5d B e2e p50/p99/p99.9 µs: Switchboard %s, raw %d/%d/%d; ack p99 µs: Switchboard %s, raw %d", size,
                e2e == null ? "n/a" : e2e.getValueAtPercentile(50) + "/" + e2e.getValueAtPercentile(99) + "/"
                        + e2e.getValueAtPercentile(99.9),
                raw.endToEnd().getValueAtPercentile(50), raw.endToEnd().getValueAtPercentile(99),
                raw.endToEnd().getValueAtPercentile(99.9),
                sb == null ? "n/a" : Long.toString(sb.ack().getValueAtPercentile(99)),
                raw.ack().getValueAtPercentile(99));

        int batches = config.batchLatencyBatchesPerRound();
        int batchWarmup = Math.max(1, batches / 10);
        List<BatchRound> rawBatches = new ArrayList<>();
        List<BatchRound> sbBatches = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (boolean isRaw : sides(round, available)) {
                (isRaw ? rawBatches : sbBatches).add(phase(fixture, brokers, payloads, isRaw, (side, sink) ->
                        new BatchRound(Measurements.batchLatency(side, sink, 0, batchWarmup, batches,
                                config.batchSize(), config.phaseTimeout()), sink.delivered())));
            }
        }
        long published = (long) rounds * (batchWarmup + batches) * config.batchSize(); // warm-up included, as delivered
        addBatchLatency(fixture, size, "raw", rawBatches, published);
        if (!sbBatches.isEmpty()) {
            addBatchLatency(fixture, size, "switchboard", sbBatches, published);
        }
    }

    /** A batch-latency round: the time of each batch, and the deliveries its phase saw (warm-up included). */
    private record BatchRound(Histogram histogram, long delivered) {
    }

    private void addBatchLatency(BenchmarkFixture fixture, int size, String side, List<BatchRound> rounds,
            long published) {
        results.latency.add(Results.LatencyRow.of(fixture.name(), size, side, Results.BATCH,
                Measurements.sum(rounds.stream().map(BatchRound::histogram).toList()), published,
                rounds.stream().mapToLong(BatchRound::delivered).sum()));
    }

    /** The sides of a round, raw first in even rounds and Switchboard first in odd ones; raw only if unavailable. */
    private static boolean[] sides(int round, boolean available) {
        if (!available) {
            return new boolean[] {true};
        }
        return round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true};
    }

    private void addLatency(BenchmarkFixture fixture, int size, String side, Measurements.Latency l) {
        results.latency.add(Results.LatencyRow.of(fixture.name(), size, side, "e2e", l.endToEnd(), l.published(),
                l.delivered()));
        results.latency.add(Results.LatencyRow.of(fixture.name(), size, side, "ack", l.ack(), l.published(),
                l.published()));
        noteShortfall(fixture, size, "e2e", side.equals("raw"), l.published(), l.delivered());
    }

    private double deliveredRate(Measurements.Latency l) {
        // The offered rate, scaled by the share delivered: below the offered rate means losses or a backlog.
        return l.achievedRate() * Math.min(1.0, (double) l.delivered() / Math.max(1, l.published()));
    }

    private void noteShortfall(BenchmarkFixture fixture, int size, String mode, boolean raw, long published,
            long delivered) {
        if (delivered < published) {
            String text = String.format(Locale.ROOT, "%s %d B %s: %d of %d events delivered within the wait",
                    raw ? "raw" : "Switchboard", size, mode, delivered, published);
            results.notes.add(new Results.Note(fixture.name(), text));
            log("  note: %s", text);
        }
    }

    /** One phase: a fresh topic, a fresh client with its consumer, the measurement, then clean-up. */
    private <T> T phase(BenchmarkFixture fixture, Brokers brokers, Payloads payloads, boolean raw, Phase<T> body)
            throws Exception {
        String topic = "bench.run" + phases.incrementAndGet() + ".published";
        PhaseSink sink = new PhaseSink();
        Side side = raw ? new RawSide(fixture.rawClient(brokers, topic), payloads)
                : new SwitchboardSide(fixture.driverSettings(brokers), fixture.broadcast(), topic, payloads);
        try {
            side.startConsumer(sink);
            return body.run(side, sink);
        } finally {
            side.close();
            fixture.afterPhase(brokers);
        }
    }

    @FunctionalInterface
    private interface Phase<T> {
        T run(Side side, PhaseSink sink) throws Exception;
    }

    /** Builds the Switchboard side once: {@code null} if it works, else why not (e.g. the driver module missing). */
    private static String probe(BenchmarkFixture fixture, Brokers brokers) {
        try {
            new SwitchboardSide(fixture.driverSettings(brokers), fixture.broadcast(), "bench.probe.checked",
                    new Payloads(256)).close();
            return null;
        } catch (SwitchboardException e) {
            return e.getMessage();
        }
    }

    /** The median of a figure over the rounds; {@code null} if there were none, or the figure is unknown (< 0). */
    private static Double median(List<Measurements.Throughput> rounds,
            java.util.function.ToDoubleFunction<Measurements.Throughput> figure) {
        if (rounds.isEmpty()) {
            return null;
        }
        List<Double> sorted = rounds.stream().map(figure::applyAsDouble).sorted().toList();
        if (sorted.get(0) < 0) {
            return null;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmt2(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** The drivers log through System.Logger (java.util.logging here): only warnings, so the progress stays legible. */
    static void quietLogging() {
        java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
    }

    static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
