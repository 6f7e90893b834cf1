package io.switchboard.tck.internal;

import io.switchboard.Capabilities;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.KitSettings;
import io.switchboard.tck.internal.ScenarioResult.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * One run of the catalogue against one fixture: reads the declaration once, runs every scenario it claims (each
 * with a seed derived from the run's seed), records a result per scenario and writes the conformance report.
 */
public final class KitRun {

    private final String kitName;
    private final DriverFixture fixture;
    private final KitSettings settings;
    private final String runId;
    private final List<ScenarioResult> results = Collections.synchronizedList(new ArrayList<>());
    private String driverName = "?";
    private Capabilities capabilities;
    private String declarationProblem;

    public KitRun(String kitName, DriverFixture fixture, KitSettings settings) {
        this.kitName = kitName;
        this.fixture = fixture;
        this.settings = settings;
        this.runId = Long.toString(new SplittableRandom(settings.seed()).nextLong() & 0xFFFFFFFFL, 36);
        readDeclaration();
    }

    /** The scenarios as JUnit dynamic tests, one container per group, and a last test writing the report. */
    public Stream<DynamicNode> nodes() {
        Map<String, List<DynamicNode>> byGroup = new LinkedHashMap<>();
        for (Scenario s : Catalogue.scenarios()) {
            byGroup.computeIfAbsent(s.group(), g -> new ArrayList<>()).add(DynamicTest.dynamicTest(s.displayName(),
                    () -> verdict(execute(s))));
        }
        List<DynamicNode> nodes = new ArrayList<>();
        byGroup.forEach((group, tests) -> nodes.add(DynamicContainer.dynamicContainer(
                group + " " + Catalogue.groupTitle(group), tests)));
        nodes.add(DynamicTest.dynamicTest("conformance report (" + settings.profile().name().toLowerCase(Locale.ROOT)
                + ", seed " + settings.seed() + ")", () -> Report.write(this)));
        return nodes.stream();
    }

    /** Runs every scenario, writes the report and returns the results (for the kit's own tests). */
    public List<ScenarioResult> runAll() {
        for (Scenario s : Catalogue.scenarios()) {
            execute(s);
        }
        Report.write(this);
        return List.copyOf(results);
    }

    /** Runs one scenario (every repeat of the profile) and records its result. */
    public ScenarioResult execute(Scenario s) {
        long start = System.nanoTime();
        ScenarioResult result;
        if (declarationProblem != null) {
            result = result(s, Status.FAIL, (s.id().equals("C1") ? "" : "Nothing runs: ")
                    + "the capability declaration is invalid: " + declarationProblem, Map.of(), start);
        } else if (s.notVerifiedReason() != null) {
            result = result(s, Status.NOT_VERIFIED, s.notVerifiedReason(), Map.of(), start);
        } else if (capabilities != null && s.gate().notClaimed(capabilities) != null) {
            result = result(s, Status.NOT_CLAIMED, s.gate().notClaimed(capabilities), Map.of(), start);
        } else if (s.group().equals("H") && fixture.hybridLegs().isEmpty()) {
            result = result(s, Status.NOT_CLAIMED, "not a hybrid driver (the fixture offers no hybrid legs)",
                    Map.of(), start);
        } else if (!s.needsFaults().isEmpty() && (fixture.brokerControl().isEmpty()
                || !fixture.brokerControl().get().supported().containsAll(s.needsFaults()))) {
            result = result(s, Status.INFRASTRUCTURE_MISSING, "needs broker control with " + s.needsFaults()
                    + (fixture.brokerControl().isEmpty() ? "; the fixture offers none"
                            : "; the fixture supports " + fixture.brokerControl().get().supported()), Map.of(),
                    start);
        } else {
            result = run(s, start);
        }
        results.add(result);
        return result;
    }

    private ScenarioResult run(Scenario s, long start) {
        Map<String, Object> figures = new LinkedHashMap<>();
        int repeats = settings.profile().repeats();
        for (int repeat = 0; repeat < repeats; repeat++) {
            long seed = scenarioSeed(s, repeat);
            try (ScenarioContext ctx = new ScenarioContext(s, fixture, capabilities, settings.profile(), seed,
                    settings.timeoutMultiplier(), runId + (repeats > 1 ? "r" + repeat : ""))) {
                try {
                    s.body().run(ctx);
                } finally {
                    figures.putAll(ctx.figures());
                }
            } catch (InfrastructureMissing missing) {
                return result(s, Status.INFRASTRUCTURE_MISSING, missing.getMessage(), figures, start);
            } catch (NotVerified notVerified) {
                return result(s, Status.NOT_VERIFIED, notVerified.getMessage(), figures, start);
            } catch (Throwable failure) {
                String replay = "seed " + settings.seed() + (repeats > 1 ? ", repeat " + repeat : "")
                        + "; replay with -D" + KitSettings.SEED + "=" + settings.seed() + " -D" + KitSettings.PROFILE
                        + "=" + settings.profile().name().toLowerCase(Locale.ROOT);
                String what = failure instanceof AssertionError ? String.valueOf(failure.getMessage())
                        : failure.toString();
                return result(s, Status.FAIL, what + " (" + replay + ")", figures, start);
            }
        }
        if (repeats > 1) {
            figures.put("repeats", repeats);
        }
        return result(s, Status.PASS, "", figures, start);
    }

    /** Each scenario's randomness derives from the run's seed and the scenario id, so one seed replays a run. */
    private long scenarioSeed(Scenario s, int repeat) {
        return new SplittableRandom(settings.seed() ^ ((long) s.id().hashCode() << 32) ^ repeat).nextLong();
    }

    private static void verdict(ScenarioResult r) {
        switch (r.status()) {
            case PASS -> { }
            case FAIL -> throw new AssertionFailedError(r.id() + " failed: " + r.detail());
            case NOT_CLAIMED -> throw new TestAbortedException(r.id() + " not claimed: " + r.detail());
            case INFRASTRUCTURE_MISSING -> throw new TestAbortedException(r.id() + " infrastructure missing: "
                    + r.detail());
            case NOT_VERIFIED -> throw new TestAbortedException(r.id() + " not verified: " + r.detail());
        }
    }

    private static ScenarioResult result(Scenario s, Status status, String detail, Map<String, Object> figures,
            long start) {
        return new ScenarioResult(s.id(), s.group(), s.level(), s.title(), status, detail,
                Map.copyOf(new LinkedHashMap<>(figures)), Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    /** C1's first half: the declaration must be obtainable, valid and constant, before any broker work. */
    private void readDeclaration() {
        try {
            EventDriver driver = fixture.createDriver();
            try {
                driverName = driver.name();
                capabilities = driver.capabilities();
                if (capabilities == null) {
                    declarationProblem = "capabilities() returned null";
                } else if (!capabilities.equals(driver.capabilities())) {
                    declarationProblem = "capabilities() is not constant: two calls gave different values";
                }
            } finally {
                driver.close(Duration.ZERO);
            }
        } catch (RuntimeException e) {
            declarationProblem = e.toString();
        }
    }

    public String kitName() {
        return kitName;
    }

    public String driverName() {
        return driverName;
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    public String declarationProblem() {
        return declarationProblem;
    }

    public KitSettings settings() {
        return settings;
    }

    public List<ScenarioResult> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }
}
