package io.switchboard.tck.internal;

import io.switchboard.Capabilities;
import io.switchboard.DeadLetter;
import io.switchboard.IdempotencyKey;
import io.switchboard.RetryPolicy;
import io.switchboard.Switchboard;
import io.switchboard.idempotency.InMemoryIdempotencyStore;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.Profile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * What a scenario body works with: the declared capabilities, sizes of the profile, a seeded random, namespaced
 * types and groups, publishers in front of fresh drivers from the fixture, the ledger and its checks, and waits with
 * a total deadline and a progress timeout.
 *
 * <p>Publishers are built with the kit's defaults: deduplication off (the kit counts duplicates, it does not hide
 * them; idempotency scenarios turn it on), 3 attempts with 50 ms then 100 ms back-off, a short drain timeout.
 */
public final class ScenarioContext implements AutoCloseable {

    /** The kit's default retry policy: quick, so retries and dead-letters take milliseconds. */
    public static final RetryPolicy RETRY_POLICY = RetryPolicy.exponential(3, Duration.ofMillis(50));

    private final Scenario scenario;
    private final DriverFixture fixture;
    private final Capabilities capabilities;
    private final Profile profile;
    private final long seed;
    private final Random random;
    private final Timing timing;
    private final String namespace;
    private final Ledger ledger = new Ledger();
    private final MutableClock dedupClock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<Switchboard> switchboards = new ArrayList<>();
    private final List<ObservedDriver> drivers = new ArrayList<>();

    ScenarioContext(Scenario scenario, DriverFixture fixture, Capabilities capabilities, Profile profile, long seed,
            double multiplier, String runId) {
        this.scenario = scenario;
        this.fixture = fixture;
        this.capabilities = capabilities;
        this.profile = profile;
        this.seed = seed;
        this.random = new Random(seed);
        this.timing = Timing.of(capabilities, multiplier);
        this.namespace = "tck-" + runId + "." + scenario.id().toLowerCase(Locale.ROOT);
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    public Profile profile() {
        return profile;
    }

    public Profile.Sizes sizes() {
        return profile.sizes();
    }

    public long seed() {
        return seed;
    }

    /** Seeded: keys, failure points and fault timing derive from it, so a failure can be replayed. */
    public Random random() {
        return random;
    }

    public Timing timing() {
        return timing;
    }

    public Ledger ledger() {
        return ledger;
    }

    /** An event type of this run and scenario: {@code tck-<run>.<scenario>.<name>}. */
    public String type(String name) {
        return namespace + "." + name;
    }

    /** A pattern for every type of this run and scenario. */
    public String allTypes() {
        return namespace + ".>";
    }

    /** A group name of this run and scenario. */
    public String group(String name) {
        return namespace.replace('.', '-') + "-" + name;
    }

    /** The clock of the deduplication store of publishers built here; advance it to expire the window (I7). */
    public MutableClock dedupClock() {
        return dedupClock;
    }

    /**
     * The scenario's publisher: created on the first call, in front of a fresh driver, with the kit's defaults. The
     * same instance publishes and subscribes.
     */
    public Switchboard switchboard() {
        return switchboards.isEmpty() ? newSwitchboard(UnaryOperator.identity()) : switchboards.get(0);
    }

    /** Creates the scenario's publisher with the kit's defaults changed by {@code settings}; call it first. */
    public Switchboard switchboard(UnaryOperator<Switchboard.Builder> settings) {
        if (!switchboards.isEmpty()) {
            throw new IllegalStateException("The scenario's publisher exists already; configure it in its first call");
        }
        return newSwitchboard(settings);
    }

    /**
     * Another publisher in front of another fresh driver. It shares state with the first only where the fixture's
     * drivers share a broker (not for in-process drivers).
     */
    public Switchboard newSwitchboard(UnaryOperator<Switchboard.Builder> settings) {
        ObservedDriver driver = new ObservedDriver(fixture.createDriver());
        drivers.add(driver);
        Switchboard.Builder builder = Switchboard.builder(driver)
                .retryPolicy(RETRY_POLICY)
                .idempotencyKey(IdempotencyKey.NONE)
                .idempotencyStore(new InMemoryIdempotencyStore(dedupClock, Duration.ofHours(1), 100_000))
                .drainTimeout(timing.scale(Duration.ofSeconds(2)))
                .publishTimeout(timing.scale(Duration.ofSeconds(10)));
        Switchboard board = settings.apply(builder).build();
        switchboards.add(board);
        return board;
    }

    /** The observed driver behind the {@code index}-th publisher built here (0 for the first). */
    public ObservedDriver driver(int index) {
        return drivers.get(index);
    }

    /** The fixture's raw driver behind the first publisher, for sends that bypass the publisher. */
    public EventDriver rawDriver() {
        return drivers.get(0).driver();
    }

    /**
     * The fixture's inspector, narrowed to this scenario: only dead letters whose source is one of its namespaced
     * types. A shared broker's dead-letter destination also holds other scenarios' and other runs' letters (T4).
     */
    public Optional<DriverInspector> inspector() {
        if (drivers.isEmpty()) {
            return Optional.empty();
        }
        return fixture.inspector(drivers.get(0).driver()).map(all -> DriverInspector.of(() -> all.deadLetters()
                .stream().filter(d -> ownsType(d.get(DeadLetter.Keys.SOURCE))).toList()));
    }

    /** Whether {@code type} belongs to this run and scenario. */
    public boolean ownsType(String type) {
        return type != null && type.startsWith(namespace + ".");
    }

    public Optional<BrokerControl> brokerControl() {
        return fixture.brokerControl();
    }

    public DriverFixture fixture() {
        return fixture;
    }

    /** A figure for the report (counts, rates, durations). */
    public void figure(String name, Object value) {
        figures.put(name, value);
    }

    Map<String, Object> figures() {
        return figures;
    }

    /** Waits until {@code condition} holds, failing at the deadline for {@code expected} deliveries or when the ledger
     * shows no progress for the progress timeout. */
    public void await(String what, int expected, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timing.deadline(expected).toNanos();
        long idleLimit = timing.progressTimeout().toNanos();
        long lastProgress = ledger.progress();
        long lastChange = start;
        while (!condition.getAsBoolean()) {
            long now = System.nanoTime();
            long p = ledger.progress();
            if (p != lastProgress) {
                lastProgress = p;
                lastChange = now;
            }
            if (now > deadline) {
                throw new AssertionError("Timed out after " + Duration.ofNanos(now - start).toMillis()
                        + " ms (deadline for " + expected + " deliveries) waiting for " + what);
            }
            if (now - lastChange > idleLimit) {
                throw new AssertionError("No progress for " + Duration.ofNanos(idleLimit).toMillis()
                        + " ms waiting for " + what);
            }
            pause(2);
        }
    }

    /** Waits until {@code group} has handled {@code count} distinct events successfully. */
    public void awaitHandled(String group, int count) {
        try {
            await(count + " events handled by group " + group, count, () -> ledger.handledEvents(group) >= count);
        } catch (AssertionError timedOut) {
            Checker.Verdict v = Checker.check(ledger, group, Checker.all());
            throw new AssertionError(timedOut.getMessage() + " (against every publish of the scenario: "
                    + v.summary() + ")", timedOut);
        }
    }

    /** Waits until every publish recorded in the ledger has an outcome. */
    public void awaitPublishes() {
        await("every publish to complete", ledger.publishes().size(), ledger::allSettled);
    }

    /** Watches the quiet window (declared redelivery latency × 2 × multiplier) for events that must not arrive. */
    public void quietWindow() {
        pause(timing.quietWindow().toMillis());
    }

    /** Checks {@code group} against every publish of {@code type}: lost = 0 and duplicated = 0 (fault-free). */
    public Checker.Verdict expectExactlyOnce(String group, String type) {
        return expect(group, Checker.ofType(type), 0, false);
    }

    /**
     * Checks {@code group} against the publishes of {@code type}: nothing lost, nothing unexpected, at most
     * {@code duplicateBudget} duplicates, and no per-key reordering when {@code ordered}. Adds the figures.
     */
    public Checker.Verdict expect(String group, java.util.function.Predicate<Ledger.Published> publishes,
            int duplicateBudget, boolean ordered) {
        Checker.Verdict v = Checker.check(ledger, group, publishes);
        addFigures(v);
        List<String> problems = new ArrayList<>();
        if (v.lost() > 0) {
            problems.add("lost " + v.lost() + " acknowledged event(s), e.g. " + v.lostSample());
        }
        if (v.unexpected() > 0) {
            problems.add(v.unexpected() + " unexpected event(s), e.g. " + v.unexpectedSample());
        }
        if (v.duplicated() > duplicateBudget) {
            problems.add(v.duplicated() + " duplicate(s), budget " + duplicateBudget + ", e.g. "
                    + v.duplicatedSample());
        }
        if (ordered && v.reordered() > 0) {
            problems.add(v.reordered() + " per-key reordering(s), e.g. " + v.reorderedSample());
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems) + " (" + v.summary() + ")");
        }
        return v;
    }

    private void addFigures(Checker.Verdict v) {
        figures.merge("published", v.expected(), (a, b) -> (Integer) a + (Integer) b);
        figures.merge("delivered", v.delivered(), (a, b) -> (Integer) a + (Integer) b);
        figures.merge("lost", v.lost(), (a, b) -> (Integer) a + (Integer) b);
        figures.merge("duplicated", v.duplicated(), (a, b) -> (Integer) a + (Integer) b);
        figures.merge("unexpected", v.unexpected(), (a, b) -> (Integer) a + (Integer) b);
        figures.merge("reordered", v.reordered(), (a, b) -> (Integer) a + (Integer) b);
        figures.merge("recovered", v.recovered(), (a, b) -> (Integer) a + (Integer) b);
    }

    /** The largest payload the kit builds in memory; scenarios needing a bigger one report missing infrastructure. */
    public static final int LARGEST_MATERIALIZED = 16 * 1024 * 1024;

    /** Waits on {@code latch} (in a handler, typically) within the deadline of one delivery: no broken driver hangs the kit. */
    public boolean awaitLatch(CountDownLatch latch) throws InterruptedException {
        return latch.await(timing.deadline(1).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for {@code task} within the deadline of one delivery, failing with "timed out waiting for {@code what}". */
    public void awaitDone(CompletableFuture<?> task, String what) throws Exception {
        try {
            task.get(timing.deadline(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what);
        }
    }

    /** Runs every task on a new daemon thread named {@code tck-<name>}, so a stuck task never keeps the JVM alive. */
    public static Executor daemonThreads(String name) {
        return task -> {
            Thread t = new Thread(task, "tck-" + name);
            t.setDaemon(true);
            t.start();
        };
    }

    /** The failure of a completed future, unwrapped, or {@code null} if it succeeded. */
    public static Throwable failureOf(CompletableFuture<?> done) {
        try {
            done.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Sleeps; for pacing and quiet windows only, never to wait for something to happen. */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Closes every publisher (and so its driver) built for the scenario. */
    @Override
    public void close() {
        for (Switchboard s : switchboards) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // a broken driver's close must not hide the scenario's own verdict
            }
        }
    }

    /** A clock that moves only when told to; for deduplication windows. */
    public static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        public void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
