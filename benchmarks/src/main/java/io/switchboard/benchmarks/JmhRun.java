package io.switchboard.benchmarks;

import io.switchboard.benchmarks.jmh.CodecBenchmark;
import io.switchboard.benchmarks.jmh.EventTypeBenchmark;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs the JMH microbenchmarks: one fork with warm-up in the full run, in-process and tiny in the short mode. */
final class JmhRun {

    private JmhRun() {
    }

    static List<Results.JmhRow> run(boolean shortMode) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(CodecBenchmark.class.getName() + "\\.")
                .include(EventTypeBenchmark.class.getName() + "\\.")
                .shouldFailOnError(true)
                .verbosity(shortMode ? VerboseMode.SILENT : VerboseMode.NORMAL);
        if (shortMode) {
            options.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(100));
        } else {
            options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1)).measurementIterations(5)
                    .measurementTime(TimeValue.seconds(1))
                    .jvmArgs("-Xms512m", "-Xmx512m"); // replaces the harness JVM's heap options
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        return results.stream().map(r -> {
            var params = r.getParams();
            String names = params.getParamsKeys().stream().map(k -> k + "=" + params.getParam(k))
                    .collect(Collectors.joining(" "));
            String benchmark = params.getBenchmark();
            benchmark = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            var primary = r.getPrimaryResult();
            return new Results.JmhRow(benchmark, names, primary.getScore(), primary.getScoreError(),
                    primary.getScoreUnit());
        }).sorted(java.util.Comparator.comparing(Results.JmhRow::benchmark).thenComparing(Results.JmhRow::params))
                .toList();
    }
}
