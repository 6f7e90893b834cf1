package io.switchboard.tck.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.KitSettings;
import io.switchboard.tck.Profile;
import io.switchboard.tck.internal.ScenarioResult.Status;
import io.switchboard.tck.reference.ReferenceBroker;
import io.switchboard.tck.reference.ReferenceDriver;
import io.switchboard.tck.reference.ReferenceFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The runner and the report: what T2 and T5 cannot check from inside a driver's run. */
class KitRunTest {

    @TempDir
    Path reports;

    private KitSettings settings(long seed) {
        return new KitSettings(Profile.SMOKE, seed, 1, reports);
    }

    @Test
    void aFailureSaysTheSeedAndHowToReplayIt() {
        try (ReferenceFixture fixture = ReferenceFixture.correct()) {
            KitRun run = new KitRun("Seeded", fixture, settings(4242));
            ScenarioResult r = run.execute(Scenario.must("T90", "planted failure", ctx -> {
                throw new AssertionError("planted at draw " + ctx.random().nextInt(10));
            }));
            assertThat(r.status()).isEqualTo(Status.FAIL);
            assertThat(r.detail()).contains("planted at draw", "seed 4242", "-Dswitchboard.tck.seed=4242",
                    "-Dswitchboard.tck.profile=smoke");
        }
    }

    @Test
    void theSameSeedReplaysTheSameScenarioRandomness() {
        try (ReferenceFixture fixture = ReferenceFixture.correct()) {
            Scenario draws = Scenario.must("T91", "draws", ctx -> ctx.figure("draws",
                    List.of(ctx.random().nextInt(), ctx.random().nextInt(), ctx.seed())));
            Object first = new KitRun("A", fixture, settings(7)).execute(draws).figures().get("draws");
            Object again = new KitRun("B", fixture, settings(7)).execute(draws).figures().get("draws");
            Object other = new KitRun("C", fixture, settings(8)).execute(draws).figures().get("draws");
            assertThat(again).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
        }
    }

    @Test
    void notClaimedInfrastructureMissingAndNotVerifiedAreDifferentStatuses() throws Exception {
        ReferenceBroker broker = new ReferenceBroker(Set.of(), null);
        DriverFixture withoutControl = () -> new ReferenceDriver(broker);
        try (broker) {
            KitRun run = new KitRun("Statuses", withoutControl, settings(1));
            ScenarioResult notClaimed = run.execute(Scenario.must("T92", "gated", ctx -> { })
                    .when(c -> "not declared, for the test"));
            ScenarioResult noControl = run.execute(Scenario.must("T93", "needs a fault", ctx -> { })
                    .withFaults(BrokerControl.Fault.FREEZE));
            ScenarioResult missingAtRun = run.execute(Scenario.must("T94", "finds something missing", ctx -> {
                throw new InfrastructureMissing("no inspector, for the test");
            }));
            ScenarioResult notVerified = run.execute(Scenario.notVerified("T95", Scenario.Level.MUST, "elsewhere",
                    "proven elsewhere"));
            ScenarioResult passed = run.execute(Scenario.must("T96", "passes", ctx -> { }));
            assertThat(notClaimed.status()).isEqualTo(Status.NOT_CLAIMED);
            assertThat(notClaimed.detail()).isEqualTo("not declared, for the test");
            assertThat(noControl.status()).isEqualTo(Status.INFRASTRUCTURE_MISSING);
            assertThat(noControl.detail()).contains("FREEZE", "the fixture offers none");
            assertThat(missingAtRun.status()).isEqualTo(Status.INFRASTRUCTURE_MISSING);
            assertThat(notVerified.status()).isEqualTo(Status.NOT_VERIFIED);
            assertThat(passed.status()).isEqualTo(Status.PASS);

            Report.write(run);
            JsonNode json = JsonMapper.builder().build().readTree(reports.resolve("Statuses.json").toFile());
            assertThat(json.get("seed").asLong()).isEqualTo(1);
            assertThat(json.get("tckVersion").asString()).isNotBlank().doesNotContain("${");
            assertThat(json.get("summary").get("not claimed").asInt()).isEqualTo(1);
            assertThat(json.get("summary").get("infrastructure missing").asInt()).isEqualTo(2);
            assertThat(json.get("summary").get("not verified").asInt()).isEqualTo(1);
            assertThat(json.get("summary").get("pass").asInt()).isEqualTo(1);
        }
    }

    /** A driver whose declaration cannot even be read: every scenario fails at once, and the report lists each. */
    @Test
    void theReportListsEveryScenarioOfTheCatalogueExactlyOnce() throws Exception {
        DriverFixture undeclared = () -> {
            throw new IllegalStateException("no driver, for the test");
        };
        KitRun run = new KitRun("EveryId", undeclared, settings(3));
        List<ScenarioResult> results = run.runAll();
        List<String> catalogue = Catalogue.scenarios().stream().map(Scenario::id).toList();
        assertThat(results).extracting(ScenarioResult::id).containsExactlyElementsOf(catalogue);
        assertThat(results).filteredOn(r -> !r.id().equals("C1")).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.FAIL);
            assertThat(r.detail()).contains("no driver, for the test");
        });

        JsonNode json = JsonMapper.builder().build().readTree(reports.resolve("EveryId.json").toFile());
        List<String> reported = json.get("scenarios").valueStream().map(s -> s.get("id").asString()).toList();
        assertThat(reported).containsExactlyElementsOf(catalogue);
        assertThat(json.get("declarationProblem").asString()).contains("no driver, for the test");
        String md = Files.readString(reports.resolve("EveryId.md"), StandardCharsets.UTF_8);
        List<String> rows = md.lines().filter(l -> l.matches("\\| [A-Z]+[0-9]+ .*")).map(l -> l.split(" ")[1])
                .collect(Collectors.toList());
        assertThat(rows).containsExactlyElementsOf(catalogue);
    }
}
