package io.switchboard.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The sizes of a run. {@link #full()} is the measured run; {@link #quick()} ({@code --short}) has tiny counts so
 * the test suite can run the whole harness in seconds (its figures mean nothing).
 *
 * @param shortMode          whether this is the short mode
 * @param payloadSizes       bytes on the wire per event
 * @param jitWarmupEvents    events each side publishes in an unrecorded phase before a driver's first measurement,
 *                           so that both are measured compiled (0: none)
 * @param warmupEvents       events published before each measured throughput run
 * @param measuredEvents     events in each measured throughput run
 * @param window             most unacknowledged events during a throughput run
 * @param batchSize          events per batch in the batch mode
 * @param rounds             measured runs per side (alternating raw and Switchboard); the median is reported for
 *                           throughput, the latency histograms of the rounds are added
 * @param latencyRate        offered events per second in the latency runs
 * @param latencyWarmup      events offered before the recorded part of a latency run, split over the rounds
 * @param latencyEvents      recorded events of the latency runs of one side, split over the rounds
 * @param batchLatencyBatches sequential batches timed one by one, per side, split over the rounds
 * @param memoryEvents       publishes while the broker is frozen
 * @param memoryPayloadBytes their size
 * @param memoryHeap         the -Xmx of the memory test's JVM
 * @param memoryDeadline     the longest the memory test publishes
 * @param phaseTimeout       the longest one phase may wait for acknowledgements or deliveries
 * @param only               driver names to run (empty: all)
 * @param jmh                whether to run the JMH microbenchmarks
 * @param memory             whether to run the memory test
 * @param output             where the results go
 */
public record RunConfig(boolean shortMode, List<Integer> payloadSizes, int jitWarmupEvents, int warmupEvents,
        int measuredEvents, int window, int batchSize, int rounds, int latencyRate, int latencyWarmup,
        int latencyEvents, int batchLatencyBatches, int memoryEvents, int memoryPayloadBytes, String memoryHeap,
        Duration memoryDeadline, Duration phaseTimeout, Set<String> only, boolean jmh, boolean memory, Path output) {

    public static final Path DEFAULT_OUTPUT = Path.of("benchmarks", "target", "results");

    /** Recorded events of one latency round: {@link #latencyEvents()} split over the {@link #rounds()}. */
    public int latencyEventsPerRound() {
        return (latencyEvents + rounds - 1) / rounds;
    }

    /** Warm-up events of one latency round. */
    public int latencyWarmupPerRound() {
        return Math.max(1, latencyWarmup / rounds);
    }

    /** Timed batches of one batch-latency round: {@link #batchLatencyBatches()} split over the rounds. */
    public int batchLatencyBatchesPerRound() {
        return (batchLatencyBatches + rounds - 1) / rounds;
    }

    public static RunConfig full() {
        return new RunConfig(false, List.of(256, 4096), 200_000, 20_000, 100_000, 1_000, 100, 3, 1_000, 2_000, 10_000,
                200, 1_000_000, 4096, "256m", Duration.ofMinutes(2), Duration.ofMinutes(2), Set.of(), true, true,
                DEFAULT_OUTPUT);
    }

    public static RunConfig quick() {
        // One payload size: the 4 KiB runs take the same code path, and the test suite's time matters.
        return new RunConfig(true, List.of(256), 0, 100, 500, 100, 100, 1, 1_000, 20, 100, 5,
                20_000, 4096, "256m", Duration.ofSeconds(3), Duration.ofSeconds(20), Set.of(), true, true,
                DEFAULT_OUTPUT);
    }

    /**
     * Parses the command line: {@code --short}, {@code --out DIR}, {@code --only a,b}, {@code --events N},
     * {@code --rounds N}, {@code --jit-warmup-events N}, {@code --latency-events N}, {@code --memory-events N},
     * {@code --phase-timeout SECONDS}, {@code --no-jmh}, {@code --no-memory}.
     */
    public static RunConfig parse(String... args) {
        List<String> list = new ArrayList<>(Arrays.asList(args));
        Options o = new Options(list.remove("--short") ? quick() : full());
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            switch (arg) {
                case "--no-jmh" -> o.jmh = false;
                case "--no-memory" -> o.memory = false;
                case "--out" -> o.output = Path.of(value(list, ++i, arg));
                case "--only" -> o.only = new LinkedHashSet<>(Arrays.asList(value(list, ++i, arg).split(",")));
                case "--events" -> o.measuredEvents = number(list, ++i, arg, 1);
                case "--rounds" -> o.rounds = number(list, ++i, arg, 1);
                case "--jit-warmup-events" -> o.jitWarmupEvents = number(list, ++i, arg, 0);
                case "--latency-events" -> o.latencyEvents = number(list, ++i, arg, 1);
                case "--memory-events" -> o.memoryEvents = number(list, ++i, arg, 1);
                case "--phase-timeout" -> o.phaseTimeout = Duration.ofSeconds(number(list, ++i, arg, 1));
                default -> throw new IllegalArgumentException("Unknown option '" + arg + "'. " + USAGE);
            }
        }
        return o.toConfig();
    }

    static final String USAGE = "Usage: run-benchmarks.sh [--short] [--out DIR] [--only in-memory,redis-streams,...] "
            + "[--events N] [--rounds N] [--jit-warmup-events N] [--latency-events N] [--memory-events N] "
            + "[--phase-timeout SECONDS] [--no-jmh] [--no-memory]";

    /** The settings the command line can change, starting from a default configuration. */
    private static final class Options {
        private final RunConfig base;
        private int jitWarmupEvents;
        private int measuredEvents;
        private int rounds;
        private int latencyEvents;
        private int memoryEvents;
        private Set<String> only;
        private boolean jmh;
        private boolean memory;
        private Path output;
        private Duration phaseTimeout;

        Options(RunConfig base) {
            this.base = base;
            jitWarmupEvents = base.jitWarmupEvents;
            measuredEvents = base.measuredEvents;
            rounds = base.rounds;
            latencyEvents = base.latencyEvents;
            memoryEvents = base.memoryEvents;
            only = base.only;
            jmh = base.jmh;
            memory = base.memory;
            output = base.output;
            phaseTimeout = base.phaseTimeout;
        }

        RunConfig toConfig() {
            return new RunConfig(base.shortMode, base.payloadSizes, jitWarmupEvents, base.warmupEvents, measuredEvents,
                    base.window, base.batchSize, rounds, base.latencyRate, base.latencyWarmup, latencyEvents,
                    base.batchLatencyBatches, memoryEvents, base.memoryPayloadBytes, base.memoryHeap,
                    base.memoryDeadline, phaseTimeout, only, jmh, memory, output);
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value. " + USAGE);
        }
        return args.get(i);
    }

    private static int number(List<String> args, int i, String option, int min) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n < min) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number of at least " + min + ", got '" + v
                    + "'. " + USAGE);
        }
    }
}
