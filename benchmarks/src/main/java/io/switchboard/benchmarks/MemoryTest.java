package io.switchboard.benchmarks;

import io.switchboard.SwitchboardException;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.benchmarks.fixtures.Fixtures;
import io.switchboard.spi.DriverSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Publishing into a frozen broker must end in backpressure or typed failures with bounded memory, never in an
 * OutOfMemoryError. Each driver runs in a JVM of its own with a small heap ({@code -XX:+ExitOnOutOfMemoryError}),
 * so an out-of-memory error is a clear result instead of a broken benchmark run.
 */
public final class MemoryTest {

    static final String PUBLISH_TIMEOUT = "2s";
    private static final String RESULT = "RESULT ";
    private static final String UNAVAILABLE = "UNAVAILABLE ";

    private MemoryTest() {
    }

    /** Runs the test for {@code fixture} in a child JVM and reads its result line. */
    static Results.MemoryRow runInChildJvm(BenchmarkFixture fixture, RunConfig config) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + config.memoryHeap(), "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), MemoryTest.class.getName(),
                fixture.name(), Integer.toString(config.memoryEvents()), Integer.toString(config.memoryPayloadBytes()),
                Long.toString(config.memoryDeadline().toMillis())));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output lost: ").append(e).append(')');
            }
        });
        reader.start();
        long limit = config.memoryDeadline().toMillis() + TimeUnit.SECONDS.toMillis(90);
        if (!child.waitFor(limit, TimeUnit.MILLISECONDS)) {
            child.destroy(); // SIGTERM: the child's shutdown hooks stop the brokers it started
            if (!child.waitFor(15, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            reader.join(5_000);
            return failed(fixture, "DID NOT FINISH", "no result within " + limit / 1000 + " s; output: "
                    + tail(output.toString()));
        }
        reader.join(5_000);
        String text = output.toString();
        String line = text.lines().filter(l -> l.startsWith(RESULT) || l.startsWith(UNAVAILABLE)).reduce((a, b) -> b)
                .orElse(null);
        if (line == null) {
            String outcome = child.exitValue() == 3 || text.contains("OutOfMemoryError") ? "OUT OF MEMORY"
                    : "CRASHED (exit " + child.exitValue() + ")";
            return failed(fixture, outcome, tail(text));
        }
        if (line.startsWith(UNAVAILABLE)) {
            return null;
        }
        Map<String, String> v = new HashMap<>();
        for (String part : line.substring(RESULT.length()).split(" ")) {
            int eq = part.indexOf('=');
            v.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return new Results.MemoryRow(fixture.name(), v.get("outcome").replace('\u00a0', ' '), Long.parseLong(v.get("attempted")),
                Long.parseLong(v.get("acked")), v.get("failures").replace(";", ", "), Long.parseLong(v.get("pending")),
                Long.parseLong(v.get("peak")), Long.parseLong(v.get("live")), config.memoryHeap(),
                Double.parseDouble(v.get("seconds")), "");
    }

    private static Results.MemoryRow failed(BenchmarkFixture fixture, String outcome, String detail) {
        return new Results.MemoryRow(fixture.name(), outcome, 0, 0, "", 0, -1, -1, "", 0, detail);
    }

    private static String tail(String text) {
        String flat = text.strip().replace('\n', ' ');
        return flat.length() > 600 ? "…" + flat.substring(flat.length() - 600) : flat;
    }

    /** The child: {@code MemoryTest <fixture> <events> <payloadBytes> <deadlineMillis>}. */
    public static void main(String[] args) throws Exception {
        BenchmarkMain.quietLogging();
        BenchmarkFixture fixture = Fixtures.all().stream().filter(f -> f.name().equals(args[0])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown fixture " + args[0]));
        int events = Integer.parseInt(args[1]);
        Payloads payloads = new Payloads(Integer.parseInt(args[2]));
        long deadlineMillis = Long.parseLong(args[3]);
        try (Brokers brokers = new Brokers()) {
            brokers.start(fixture.brokers());
            Map<String, String> settings = new LinkedHashMap<>(fixture.memorySettings(brokers));
            settings.putIfAbsent("event.publish-timeout", PUBLISH_TIMEOUT);
            Switchboard switchboard;
            try {
                switchboard = Switchboard.fromSettings(DriverSettings.of(settings));
            } catch (SwitchboardException e) {
                System.out.println(UNAVAILABLE + e.getMessage().replace('\n', ' '));
                return;
            }
            System.out.println(RESULT + run(switchboard, fixture, brokers, events, payloads, deadlineMillis));
        }
        System.exit(0); // driver threads that are not daemons must not keep the child alive
    }

    private static String run(Switchboard switchboard, BenchmarkFixture fixture, Brokers brokers, int events,
            Payloads payloads, long deadlineMillis) throws InterruptedException {
        String type = "bench.memory.published";
        CountDownLatch release = new CountDownLatch(1);
        Subscription subscription = fixture.broadcast()
                ? switchboard.broadcast(type, BenchData.class, e -> release.await())
                : switchboard.subscribe("bench", type, BenchData.class, e -> release.await());
        try {
            // A running application has published before: destinations exist and caches are warm.
            switchboard.publish(type, payloads.data(-1)).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new BenchmarkException("The warm-up publish before freezing the broker failed: " + e, e);
        }
        brokers.freeze(fixture.brokers());
        LongAdder acked = new LongAdder();
        AtomicLong completed = new AtomicLong();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        long attempted = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        try (HeapWatch watch = new HeapWatch()) {
            for (int i = 0; i < events && System.nanoTime() < deadline; i++) {
                try {
                    switchboard.publish(type, payloads.data(i)).whenComplete((ok, error) -> {
                        if (error == null) {
                            acked.increment();
                        } else {
                            failures.computeIfAbsent(reason(error), k -> new LongAdder()).increment();
                        }
                        completed.incrementAndGet();
                    });
                } catch (RuntimeException e) {
                    failures.computeIfAbsent("thrown_" + e.getClass().getSimpleName(), k -> new LongAdder())
                            .increment();
                    completed.incrementAndGet();
                }
                attempted++;
            }
            // Every publish must end: acknowledged or failed within the publish timeout.
            long wait = System.nanoTime() + Duration.parse("PT" + PUBLISH_TIMEOUT).toNanos()
                    + TimeUnit.SECONDS.toNanos(30);
            while (completed.get() < attempted && System.nanoTime() < wait) {
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long pending = attempted - completed.get();
            long peak = watch.peakUsed();
            long live = watch.maxLiveAfterGc();
            brokers.thaw(fixture.brokers());
            release.countDown();
            subscription.close();
            switchboard.close();
            Map<String, Long> byReason = new TreeMap<>();
            failures.forEach((k, n) -> byReason.put(k, n.sum()));
            String failureText = byReason.isEmpty() ? "none" : String.join(";",
                    byReason.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList());
            long max = Runtime.getRuntime().maxMemory();
            // Surviving without an OutOfMemoryError is not enough: a live heap near the limit after a collection
            // means the buffers grow with the number of publishes and only the deadline stopped them.
            String outcome = pending > 0 ? "UNFINISHED PUBLISHES"
                    : live > max * 0.9 ? "HEAP NEARLY FULL (live " + live / 1048576 + " of " + max / 1048576 + " MiB)"
                    : "bounded, every publish ended";
            return "outcome=" + outcome.replace(' ', '\u00a0') + " attempted=" + attempted + " acked=" + acked.sum()
                    + " failures=" + failureText + " pending=" + pending + " peak=" + peak + " live=" + live
                    + " seconds=" + String.format(java.util.Locale.ROOT, "%.1f", seconds);
        }
    }

    private static String reason(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && !(t instanceof SwitchboardException)) {
            t = t.getCause();
        }
        return t instanceof SwitchboardException se ? se.reason().name() : "untyped_" + t.getClass().getSimpleName();
    }
}
