package io.switchboard.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@code summary.csv}, {@code latency.csv}, {@code cpu.csv}, {@code summary.md} and {@code summary.png}. */
final class ResultsWriter {

    static final String SUMMARY_HEADER = "driver,payload_bytes,mode,switchboard_eps,raw_eps,ratio,p50_us,p99_us,p999_us";
    static final String LATENCY_HEADER =
            "driver,payload_bytes,side,kind,count,p50_us,p99_us,p999_us,max_us,published,delivered";
    static final String CPU_HEADER =
            "driver,payload_bytes,mode,switchboard_client_us,raw_client_us,switchboard_broker_us,raw_broker_us";

    private ResultsWriter() {
    }

    static void write(Path dir, Results results, RunConfig config, Map<String, String> machine, String finishedLoad,
            Instant started) throws IOException {
        Files.createDirectories(dir);
        List<String> csv = new ArrayList<>();
        csv.add(SUMMARY_HEADER);
        for (Results.SummaryRow r : results.summary) {
            csv.add(String.join(",", r.driver(), Integer.toString(r.payloadBytes()), r.mode(),
                    num(r.switchboardEps(), 0), num(r.rawEps(), 0), num(r.ratio(), 3), num(r.p50Micros(), 0),
                    num(r.p99Micros(), 0), num(r.p999Micros(), 0)));
        }
        Files.write(dir.resolve("summary.csv"), csv);

        List<String> latency = new ArrayList<>();
        latency.add(LATENCY_HEADER);
        for (Results.LatencyRow r : results.latency) {
            latency.add(String.join(",", r.driver(), Integer.toString(r.payloadBytes()), r.side(), r.kind(),
                    Long.toString(r.count()), num(r.p50(), 0), num(r.p99(), 0), num(r.p999(), 0), num(r.max(), 0),
                    Long.toString(r.published()), Long.toString(r.delivered())));
        }
        Files.write(dir.resolve("latency.csv"), latency);

        List<String> cpu = new ArrayList<>();
        cpu.add(CPU_HEADER);
        for (Results.CpuRow r : results.cpu) {
            cpu.add(String.join(",", r.driver(), Integer.toString(r.payloadBytes()), r.mode(),
                    num(r.switchboardClient(), 2), num(r.rawClient(), 2), num(r.switchboardBroker(), 2),
                    num(r.rawBroker(), 2)));
        }
        Files.write(dir.resolve("cpu.csv"), cpu);

        Files.writeString(dir.resolve("summary.md"), markdown(results, config, machine, finishedLoad, started));
        Chart.render(results, dir.resolve("summary.png"), config.shortMode());
    }

    private static String markdown(Results results, RunConfig config, Map<String, String> machine,
            String finishedLoad, Instant started) {
        StringBuilder md = new StringBuilder();
        md.append("# Switchboard benchmarks").append(config.shortMode() ? " (short mode: tiny counts, figures are "
                + "meaningless)" : "").append("\n\n");
        md.append("Run started ").append(started).append(". Switchboard and the raw client ran against the same local ")
                .append("brokers in the same run, alternating. Ratio = Switchboard / raw (1.0 = no overhead).\n\n");
        md.append("## Summary\n\n");
        md.append("| driver | payload B | mode | Switchboard ev/s | raw ev/s | ratio | p50 µs | p99 µs | p99.9 µs |\n");
        md.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Results.SummaryRow r : results.summary) {
            md.append("| ").append(r.driver()).append(" | ").append(r.payloadBytes()).append(" | ").append(r.mode())
                    .append(" | ").append(dash(r.switchboardEps(), 0)).append(" | ").append(dash(r.rawEps(), 0))
                    .append(" | ").append(dash(r.ratio(), 3)).append(" | ").append(dash(r.p50Micros(), 0))
                    .append(" | ").append(dash(r.p99Micros(), 0)).append(" | ").append(dash(r.p999Micros(), 0))
                    .append(" |\n");
        }
        md.append("\nThroughput rows (`").append(Results.SINGLE).append("`: single publishes, at most ")
                .append(config.window()).append(" unacknowledged; `").append(Results.BATCH).append("`: batches of ")
                .append(config.batchSize()).append(") count acknowledged publishes per second over ")
                .append(config.measuredEvents()).append(" events after ").append(config.warmupEvents())
                .append(" warm-up events, median of ").append(config.rounds()).append(" round(s)")
                .append(config.jitWarmupEvents() > 0 ? ", after each side of a driver published "
                        + config.jitWarmupEvents() + " single and " + config.jitWarmupEvents() / 2
                        + " batched events unrecorded (JIT warm-up)" : "").append(". `e2e@")
                .append(config.latencyRate()).append("/s` rows: events offered at a fixed rate in ")
                .append(config.rounds()).append(" round(s) per side, alternating like the throughput rounds, each ")
                .append(config.latencyEventsPerRound()).append(" recorded after ")
                .append(config.latencyWarmupPerRound()).append(" warm-up. The percentiles are Switchboard's ")
                .append("publish-to-handler latency, measured from each event's intended start time, over all ")
                .append("recorded events of the rounds (histograms added); the ev/s columns are the delivered ")
                .append("rates.\n\n");

        md.append("## CPU per event (µs)\n\n");
        md.append("CPU time per measured event of the throughput rows, median of the rounds: of the benchmark's JVM ")
                .append("(publisher, consumer, client threads, JIT and GC) and of the broker processes (from ")
                .append("`/proc`, 10 ms ticks), from the first measured publish until the consumer caught up. Where ")
                .append("client and broker share the cores, throughput follows the sum.\n\n");
        md.append("| driver | payload B | mode | Switchboard client | raw client | Switchboard broker | raw broker "
                + "| Switchboard total / raw total |\n");
        md.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Results.CpuRow r : results.cpu) {
            Double ratio = r.switchboardClient() == null || r.rawClient() == null || r.switchboardBroker() == null
                    || r.rawBroker() == null || r.rawClient() + r.rawBroker() == 0 ? null
                    : (r.switchboardClient() + r.switchboardBroker()) / (r.rawClient() + r.rawBroker());
            md.append("| ").append(r.driver()).append(" | ").append(r.payloadBytes()).append(" | ").append(r.mode())
                    .append(" | ").append(dash(r.switchboardClient(), 2)).append(" | ").append(dash(r.rawClient(), 2))
                    .append(" | ").append(dash(r.switchboardBroker(), 2)).append(" | ")
                    .append(dash(r.rawBroker(), 2)).append(" | ").append(dash(ratio, 2)).append(" |\n");
        }
        md.append('\n');

        if (!results.unavailable.isEmpty()) {
            md.append("**Not measured (TODO):**\n\n");
            results.unavailable.forEach(u -> md.append("- ").append(u).append('\n'));
            md.append('\n');
        }

        md.append("## Latency detail (µs)\n\n");
        md.append("`e2e`: publish to handler; `ack`: publish call to its acknowledgement (both from the intended ")
                .append("start time, at ").append(config.latencyRate()).append(" events/s); `batch-100`: one batch ")
                .append("of ").append(config.batchSize()).append(" published and acknowledged, batches one after ")
                .append("the other.\n\n");
        md.append("| driver | payload B | side | kind | count | p50 | p99 | p99.9 | max | delivered / published |\n");
        md.append("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Results.LatencyRow r : results.latency) {
            md.append("| ").append(r.driver()).append(" | ").append(r.payloadBytes()).append(" | ").append(r.side())
                    .append(" | ").append(r.kind()).append(" | ").append(r.count()).append(" | ")
                    .append(num(r.p50(), 0)).append(" | ").append(num(r.p99(), 0)).append(" | ")
                    .append(num(r.p999(), 0)).append(" | ").append(num(r.max(), 0)).append(" | ")
                    .append(r.delivered()).append(" / ").append(r.published()).append(" |\n");
        }
        if (!results.notes.isEmpty()) {
            md.append("\n**Notes:**\n\n");
            results.notes.forEach(n -> md.append("- ").append(n.driver()).append(": ").append(n.text()).append('\n'));
        }

        md.append("\n## Memory with the broker frozen\n\n");
        if (results.memory.isEmpty()) {
            md.append("Not run (`--no-memory`).\n");
        } else {
            md.append("Each driver in its own JVM (`-Xmx").append(config.memoryHeap()).append("`): a subscriber ")
                    .append("whose handler never returns, the broker frozen with SIGSTOP (in-memory: only the ")
                    .append("stalled subscriber, publish block timeout 0), then up to ")
                    .append(String.format(Locale.ROOT, "%,d", config.memoryEvents())).append(" publishes of ")
                    .append(config.memoryPayloadBytes()).append(" bytes without waiting for their results (at most ")
                    .append(config.memoryDeadline().toSeconds()).append(" s). Passing means: no OutOfMemoryError, ")
                    .append("every publish ends acknowledged or with a typed failure, and the heap still live ")
                    .append("after a collection stays below 90% of the limit.\n\n");
            md.append("| driver | outcome | attempted | acknowledged | failures by reason | unfinished | peak heap used "
                    + "| max live heap after GC | seconds |\n");
            md.append("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n");
            for (Results.MemoryRow m : results.memory) {
                md.append("| ").append(m.driver()).append(" | ").append(m.outcome()).append(" | ")
                        .append(m.attempted()).append(" | ").append(m.acknowledged()).append(" | ")
                        .append(m.failures()).append(" | ").append(m.pending()).append(" | ")
                        .append(mib(m.peakHeapBytes())).append(" | ").append(mib(m.maxLiveAfterGcBytes()))
                        .append(" | ").append(num(m.seconds(), 1)).append(" |\n");
            }
            results.memory.stream().filter(m -> !m.detail().isEmpty())
                    .forEach(m -> md.append("\n").append(m.driver()).append(": ").append(m.detail()).append('\n'));
        }

        md.append("\n## Microbenchmarks (JMH)\n\n");
        if (results.jmh.isEmpty()) {
            md.append("Not run (`--no-jmh`).\n");
        } else {
            md.append("| benchmark | params | score | ± error | unit |\n| --- | --- | ---: | ---: | --- |\n");
            for (Results.JmhRow j : results.jmh) {
                md.append("| ").append(j.benchmark()).append(" | ").append(j.params()).append(" | ")
                        .append(num(j.score(), 1)).append(" | ").append(Double.isNaN(j.error()) ? "–"
                                : num(j.error(), 1)).append(" | ").append(j.unit()).append(" |\n");
            }
        }

        md.append("\n## Machine\n\n| | |\n| --- | --- |\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "/")).append(" |\n"));
        md.append("| load average at end | ").append(finishedLoad).append(" |\n");
        md.append("\n![throughput and latency](summary.png)\n");
        return md.toString();
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    static String num(Double value, int decimals) {
        return value == null || value.isNaN() ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String dash(Double value, int decimals) {
        String s = num(value, decimals);
        return s.isEmpty() ? "–" : s;
    }
}
