package io.switchboard.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Capabilities;
import io.switchboard.SwitchboardException;
import io.switchboard.tck.internal.Catalogue;
import io.switchboard.tck.internal.KitRun;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioResult;
import io.switchboard.tck.internal.ScenarioResult.Status;
import io.switchboard.tck.reference.Flaw;
import io.switchboard.tck.reference.ReferenceDriver;
import io.switchboard.tck.reference.ReferenceFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The kit's self-proof (TCK.md, T1): the whole catalogue against a correct reference driver, which must pass
 * everything it claims, and against deliberately broken variants, each of which must fail on the expected scenario
 * ids. A kit that passes a broken driver is itself broken.
 */
class SelfProofTest {

    /**
     * Which scenarios must catch each broken driver: every id listed must FAIL (others may fail too). Extend a list
     * when a new scenario catches the defect.
     */
    static final Map<Flaw, Set<String>> EXPECTED_FAILURES = new EnumMap<>(Map.of(
            Flaw.LOSSY, Set.of("F1", "R1", "X1", "X6", "O1", "G1", "M1", "K1", "K3", "S4"),
            Flaw.DUPLICATING, Set.of("R1", "X1", "X6", "O1", "G1", "M1", "K1", "K3"),
            Flaw.REORDERING, Set.of("X6", "O1", "O2", "O3", "O4", "O5"),
            Flaw.ACKS_BEFORE_HANDLING, Set.of("I4", "R1", "R3", "R4", "X5", "D1", "S2"),
            Flaw.DEDUPS_BEFORE_SUCCESS, Set.of("I4", "R1", "R2", "X5", "D1", "D3"),
            Flaw.IGNORES_NACK, Set.of("I4", "R1", "R2", "D1", "D3"),
            Flaw.NEVER_DEAD_LETTERS, Set.of("D1", "D2", "D6", "P1", "V4"),
            Flaw.LEAKS_CONSUMERS_ON_CLOSE, Set.of("C7", "X6", "G3", "S1", "S3"),
            Flaw.DROPS_ON_CLOSE, Set.of("X6", "K4", "S4"),
            Flaw.HEALTH_ALWAYS_UP, Set.of("C8")));

    /** The same for group H, run against the reference driver in hybrid mode. */
    static final Map<Flaw, Set<String>> EXPECTED_HYBRID_FAILURES = new EnumMap<>(Map.of(
            Flaw.PUBLISH_NEEDS_BROADCAST_LEG, Set.of("H1"),
            Flaw.BROADCAST_NEVER_RECONNECTS, Set.of("H4"),
            Flaw.DUPLICATING, Set.of("H2"),
            Flaw.LOSSY, Set.of("H3")));

    /** Fixed, so a failure of the self-proof replays exactly. */
    static final long SEED = 20_261_108L;
    static final Path REPORTS = Path.of("target", "self-proof");
    /**
     * Broken drivers mostly fail by timing out; a small multiplier keeps that quick (progress timeout 1.5 s). It
     * can only make a broken driver fail more, never pass.
     */
    static final double BROKEN_MULTIPLIER = 0.1;
    /** The broken drivers' runs go in parallel: they spend their time waiting. */
    static final int PARALLEL_RUNS = 3;

    static KitSettings settings(double multiplier) {
        return new KitSettings(Profile.SMOKE, SEED, multiplier, REPORTS);
    }

    @Test
    void theCorrectReferenceDriverPassesEverythingItClaims() {
        List<ScenarioResult> results;
        try (ReferenceFixture fixture = ReferenceFixture.correct()) {
            results = new KitRun("ReferenceDriver", fixture, settings(1)).runAll();
        }
        assertThat(failures(results)).as("scenarios the correct reference driver failed: %s", details(results))
                .isEmpty();
        assertThat(ids(results, Status.PASS)).as("passed").contains("F1", "R1", "G1", "M1", "D1", "X1", "X2", "X3",
                "X4", "X5", "X6", "T1", "T2", "T3", "T4", "T5", "T6");
        assertThat(results).extracting(ScenarioResult::id)
                .containsExactlyElementsOf(Catalogue.scenarios().stream().map(s -> s.id()).toList());
    }

    @Test
    void theHybridReferenceDriverPassesGroupH() {
        List<ScenarioResult> results;
        try (ReferenceFixture fixture = ReferenceFixture.hybrid()) {
            KitRun run = new KitRun("ReferenceHybridDriver", fixture, settings(1));
            results = Catalogue.scenarios().stream().filter(s -> s.group().equals("H")).map(run::execute).toList();
        }
        assertThat(results).as("group H: %s", details(results)).hasSize(5)
                .allMatch(r -> r.status() == Status.PASS);
    }

    /**
     * X7 is gated on durable consumer-side deduplication, which neither reference declares; declared here, its body
     * runs (deduplication is the kit's store, in the consumer's process, which the broker restart does not touch).
     */
    @Test
    void x7PassesWithDeduplicationAndCatchesALossyDriver() {
        Capabilities declared = ReferenceDriver.CAPABILITIES.toBuilder()
                .consumerDedup(Duration.ofHours(1), true).build();
        Scenario x7 = Catalogue.scenarios().stream().filter(s -> s.id().equals("X7")).findFirst().orElseThrow();
        try (ReferenceFixture correct = ReferenceFixture.declaring(declared);
                ReferenceFixture duplicating = ReferenceFixture.declaring(declared, Flaw.DUPLICATING);
                ReferenceFixture lossy = ReferenceFixture.declaring(declared, Flaw.LOSSY)) {
            ScenarioResult passed = new KitRun("X7", correct, settings(1)).execute(x7);
            assertThat(passed.status()).as(passed.detail()).isEqualTo(Status.PASS);
            ScenarioResult deduplicated = new KitRun("X7-dup", duplicating, settings(1)).execute(x7);
            assertThat(deduplicated.status()).as("duplicates are the deduplication's to absorb: %s",
                    deduplicated.detail()).isEqualTo(Status.PASS);
            ScenarioResult caught = new KitRun("X7-lossy", lossy, settings(BROKEN_MULTIPLIER)).execute(x7);
            assertThat(caught.status()).isEqualTo(Status.FAIL);
            assertThat(caught.detail()).contains("lost");
        }
    }

    /** X3's other branch: failing fast at start is fine when typed, and a failure of another kind is caught. */
    @Test
    void x3AcceptsATypedFailFastAndCatchesAnUntypedOne() {
        Scenario x3 = Catalogue.scenarios().stream().filter(s -> s.id().equals("X3")).findFirst().orElseThrow();
        try (ReferenceFixture typed = ReferenceFixture.failingAtStartWhileDown(() -> SwitchboardException.of(
                SwitchboardException.Reason.UNAVAILABLE, "broker unreachable at start"));
                ReferenceFixture untyped = ReferenceFixture.failingAtStartWhileDown(
                        () -> new IllegalStateException("connection refused"))) {
            ScenarioResult failedFast = new KitRun("X3-fail-fast", typed, settings(1)).execute(x3);
            assertThat(failedFast.status()).as(failedFast.detail()).isEqualTo(Status.PASS);
            assertThat(failedFast.figures()).containsEntry("startup with the broker down",
                    "failed fast: UNAVAILABLE");
            ScenarioResult caught = new KitRun("X3-untyped", untyped, settings(1)).execute(x3);
            assertThat(caught.status()).isEqualTo(Status.FAIL);
            assertThat(caught.detail()).contains("must fail with a SwitchboardException", "connection refused");
        }
    }

    @TestFactory
    Stream<DynamicTest> groupHFailsOnBrokenHybrids() {
        return EXPECTED_HYBRID_FAILURES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
            List<ScenarioResult> results;
            try (ReferenceFixture fixture = ReferenceFixture.hybrid(e.getKey())) {
                KitRun run = new KitRun("BrokenHybrid-" + e.getKey(), fixture, settings(BROKEN_MULTIPLIER));
                results = Catalogue.scenarios().stream().filter(s -> s.group().equals("H")).map(run::execute)
                        .toList();
            }
            assertThat(failures(results)).as("%s must fail on %s; details: %s", e.getKey(), e.getValue(),
                    details(results)).containsAll(e.getValue());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyBrokenDriverFailsOnItsExpectedScenarios() {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RUNS);
        Map<Flaw, Future<List<ScenarioResult>>> runs = new EnumMap<>(Flaw.class);
        for (Flaw flaw : EXPECTED_FAILURES.keySet()) {
            runs.put(flaw, pool.submit(() -> {
                try (ReferenceFixture fixture = ReferenceFixture.broken(flaw)) {
                    return new KitRun("Broken-" + flaw, fixture, settings(BROKEN_MULTIPLIER)).runAll();
                }
            }));
        }
        pool.shutdown();
        return EXPECTED_FAILURES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
            List<ScenarioResult> results = runs.get(e.getKey()).get();
            assertThat(failures(results)).as("%s must fail on %s; details: %s", e.getKey(), e.getValue(),
                    details(results)).containsAll(e.getValue());
        }));
    }

    static Set<String> failures(List<ScenarioResult> results) {
        return ids(results, Status.FAIL);
    }

    static Set<String> ids(List<ScenarioResult> results, Status status) {
        return results.stream().filter(r -> r.status() == status).map(ScenarioResult::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static String details(List<ScenarioResult> results) {
        return results.stream().filter(r -> r.status() != Status.PASS)
                .map(r -> "\n  " + r.id() + " " + r.status() + " (" + r.durationMillis() + " ms): " + r.detail())
                .collect(Collectors.joining());
    }
}
