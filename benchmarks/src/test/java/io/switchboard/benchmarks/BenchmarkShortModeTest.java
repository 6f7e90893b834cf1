package io.switchboard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.benchmarks.fixtures.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the benchmark command in its short mode (tiny counts, real brokers) so the harness cannot rot. It checks
 * that every result file is written with rows of positive figures; it never judges the figures themselves.
 */
class BenchmarkShortModeTest {

    @Test
    void shortModeWritesEveryResultWithPositiveFigures(@TempDir Path dir) throws Exception {
        Path out = BenchmarkMain.run("--short", "--out", dir.toString());

        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary.get(0)).isEqualTo("driver,payload_bytes,mode,switchboard_eps,raw_eps,ratio,p50_us,p99_us,p999_us");
        List<String[]> rows = summary.subList(1, summary.size()).stream().map(l -> l.split(",", -1)).toList();
        Set<String> drivers = rows.stream().map(r -> r[0]).collect(Collectors.toSet());
        assertThat(drivers).containsExactlyInAnyOrderElementsOf(
                Fixtures.all().stream().map(BenchmarkFixture::name).toList());
        for (String[] row : rows) {
            assertThat(row).as(Arrays.toString(row)).hasSize(9);
            assertThat(Integer.parseInt(row[1])).isIn(256, 4096);
            assertThat(Double.parseDouble(row[4])).as("raw events/s in %s", Arrays.toString(row)).isPositive();
            if (!row[3].isEmpty()) { // the Switchboard side was available
                assertThat(Double.parseDouble(row[3])).as("Switchboard events/s in %s", Arrays.toString(row))
                        .isPositive();
                assertThat(Double.parseDouble(row[5])).as("ratio in %s", Arrays.toString(row)).isPositive();
                if (row[2].startsWith("e2e@")) {
                    assertThat(Double.parseDouble(row[7])).as("p99 in %s", Arrays.toString(row)).isPositive();
                    assertThat(Double.parseDouble(row[8])).isGreaterThanOrEqualTo(Double.parseDouble(row[7]));
                }
            }
        }
        // The in-memory driver needs no other module: its rows (against both Spring baselines) are always complete.
        for (String driver : List.of("in-memory", "in-memory-json")) {
            List<String[]> inMemory = rows.stream().filter(r -> r[0].equals(driver)).toList();
            assertThat(inMemory).extracting(r -> r[2]).containsExactlyInAnyOrder("single", "batch-100", "e2e@1000/s");
            assertThat(inMemory).allSatisfy(r -> assertThat(r[3]).isNotEmpty());
        }

        List<String> latency = Files.readAllLines(out.resolve("latency.csv"));
        assertThat(latency.get(0)).isEqualTo(ResultsWriter.LATENCY_HEADER);
        assertThat(latency.subList(1, latency.size()))
                .anySatisfy(l -> assertThat(l).startsWith("in-memory,256,switchboard,e2e,"))
                .anySatisfy(l -> assertThat(l).startsWith("in-memory,256,switchboard,ack,"))
                .anySatisfy(l -> assertThat(l).startsWith("in-memory,256,raw,batch-100,"));

        String markdown = Files.readString(out.resolve("summary.md"));
        assertThat(markdown).contains("| driver | payload B | mode | Switchboard ev/s | raw ev/s | ratio |")
                .contains("| cores | " + Runtime.getRuntime().availableProcessors() + " |")
                .contains("| cpu |", "| ram |", "| jdk |", "| os |")
                .contains("| in-memory | bounded, every publish ended |")
                .contains("| CodecBenchmark.encode | payloadBytes=256 |")
                .contains("| EventTypeBenchmark.validateValidType |");

        BufferedImage chart = ImageIO.read(out.resolve("summary.png").toFile());
        assertThat(chart).isNotNull();
        assertThat(chart.getWidth()).isGreaterThan(100);
    }

    @Test
    void payloadsPutTheSameNumberOfBytesOnTheWireForBothSides() {
        for (int size : List.of(256, 4096)) {
            Payloads payloads = new Payloads(size);
            assertThat(payloads.envelopeBytes()).isEqualTo(size);
            assertThat(payloads.json(100_042)).hasSize(size);
            assertThat(Payloads.seqOfJson(payloads.json(100_042))).isEqualTo(100_042);
            assertThat(payloads.binary(42)).hasSize(size);
            assertThat(Payloads.seqOfBinary(payloads.binary(42))).isEqualTo(42);
        }
    }

    @Test
    void optionsChangeOnlyWhatTheyName() {
        RunConfig full = RunConfig.full();
        RunConfig c = RunConfig.parse("--jit-warmup-events", "0", "--rounds", "5", "--events", "1_000", "--only",
                "redis-pubsub,hybrid-redis", "--no-jmh", "--out", "/tmp/x", "--phase-timeout", "300");

        assertThat(c.jitWarmupEvents()).isZero();
        assertThat(c.rounds()).isEqualTo(5);
        assertThat(c.measuredEvents()).isEqualTo(1_000);
        assertThat(c.only()).containsExactly("redis-pubsub", "hybrid-redis");
        assertThat(c.jmh()).isFalse();
        assertThat(c.memory()).isTrue();
        assertThat(c.output()).isEqualTo(Path.of("/tmp/x"));
        assertThat(c.phaseTimeout()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(c.window()).isEqualTo(full.window());
        assertThat(c.latencyEvents()).isEqualTo(full.latencyEvents());
        assertThat(RunConfig.parse("--short").jitWarmupEvents()).isEqualTo(RunConfig.quick().jitWarmupEvents());
    }

    @Test
    void badOptionsAreRejectedWithTheUsage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunConfig.parse("--events", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--events needs a whole number of at least 1, got '0'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunConfig.parse("--jit-warmup-events", "-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 0, got '-1'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunConfig.parse("--fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown option '--fast'")
                .hasMessageContaining("Usage: run-benchmarks.sh");
    }
}
