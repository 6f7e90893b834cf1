package io.switchboard.tck.scenarios;

import io.switchboard.Event;
import io.switchboard.EventPublisher;
import io.switchboard.SwitchboardException;
import io.switchboard.Switchboard;
import io.switchboard.tck.CompatibilityKit;
import io.switchboard.tck.internal.Catalogue;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.KitRun;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Report;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import io.switchboard.tck.internal.Timing;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestFactory;

/**
 * Group T of the catalogue: what the kit can check about itself within a driver's run. What it cannot check here is
 * proven elsewhere and says where: the broken drivers of T1 by the kit's own test suite ({@code SelfProofTest} in
 * compatibility-tests), the in-memory driver of T7 by publisher-inmemory's {@code InMemoryCompatibilityTest}, the
 * report's content (T2) and the progress clock of T6 by the kit's own tests ({@code KitRunTest},
 * {@code KitWaitTest}).
 */
public final class KitScenarios {

    private static final Pattern ID = Pattern.compile("[A-Z]+[1-9][0-9]*");

    /** The classes of the catalogue's groups, in its order; T3 checks none of them can be extended. */
    private static final List<Class<?>> GROUP_CLASSES = List.of(ContractScenarios.class, FidelityScenarios.class,
            BatchScenarios.class, IdempotencyScenarios.class, RetryScenarios.class, BrokerFaultScenarios.class,
            OrderingScenarios.class, CompetingConsumerScenarios.class, FanOutScenarios.class,
            DeadLetterScenarios.class, PoisonScenarios.class, ConcurrencyScenarios.class, ShutdownScenarios.class,
            BadInputScenarios.class, HybridScenarios.class, KitScenarios.class);

    private KitScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("T1", "the kit's oracle flags planted loss, duplicates, reordering and unexpected "
                        + "events (broken drivers: the kit's SelfProofTest)", KitScenarios::oracleCanFail),
                Scenario.must("T2", "the catalogue the report is made of is well formed: unique ids, group titles, "
                        + "a known kit version", KitScenarios::catalogueIsWellFormed),
                Scenario.must("T3", "scenarios cannot be overridden or skipped by a driver's suite",
                        KitScenarios::cannotBeOverridden),
                Scenario.must("T4", "leftovers of another run on the same driver are ignored by this run, and counted",
                        KitScenarios::namespacing),
                Scenario.must("T5", "randomness derives from the scenario's seed", KitScenarios::seededRandomness),
                Scenario.must("T6", "two clocks per wait; windows derive from the declaration × the multiplier",
                        KitScenarios::twoClocks),
                Scenario.notVerified("T7", Scenario.Level.MUST, "the in-memory driver passes every scenario it "
                        + "declares", "proven by publisher-inmemory's InMemoryCompatibilityTest (its report: "
                        + "publisher-inmemory/target/compatibility), not within another driver's run"));
    }

    // ------------------------------------------------------------------------------------------------------- T1

    /**
     * T1: a ledger with planted anomalies (one lost, one duplicated, one reordered, a handled event whose publish
     * failed, one never published, one indeterminate that arrived) must produce exactly those figures, and a clean
     * ledger none. Every scenario's verdict rests on this oracle; the broken drivers of TCK.md are run against the
     * whole kit by its own test suite ({@code SelfProofTest}).
     */
    static void oracleCanFail(ScenarioContext ctx) {
        String type = ctx.type("item.planted");
        String group = ctx.group("oracle");

        Ledger clean = new Ledger();
        List<Event<TckItem>> cleanEvents = events(type, 5);
        cleanEvents.forEach(e -> clean.publish(ACKNOWLEDGING, e).join());
        for (Event<TckItem> e : cleanEvents) {
            clean.record(success(e, group));
        }
        Checker.Verdict none = Checker.check(clean, group, Checker.all());
        if (none.lost() + none.duplicated() + none.reordered() + none.unexpected() + none.recovered() != 0
                || none.delivered() != 5) {
            throw new AssertionError("the checker reports anomalies in a clean ledger: " + none.summary());
        }

        Ledger planted = new Ledger();
        List<Event<TckItem>> e = events(type, 6);
        e.forEach(event -> planted.publish(ACKNOWLEDGING, event).join());
        Event<TckItem> indeterminate = Ledger.event(type, "other", 1);
        Event<TckItem> failed = Ledger.event(type, "other", 2);
        planted.publish(failing(SwitchboardException.Reason.TIMEOUT), indeterminate).exceptionally(t -> null).join();
        planted.publish(failing(SwitchboardException.Reason.UNAVAILABLE), failed).exceptionally(t -> null).join();
        Event<TckItem> neverPublished = Ledger.event(type, "other", 3);
        planted.record(success(e.get(0), group));
        planted.record(success(e.get(1), group));
        planted.record(success(e.get(1), group)); // duplicated
        // e[2] lost
        planted.record(success(e.get(4), group));
        planted.record(success(e.get(3), group)); // reordered: #4 after #5
        planted.record(success(e.get(5), group));
        planted.record(success(indeterminate, group)); // recovered
        planted.record(success(failed, group)); // unexpected: its publish failed
        planted.record(success(neverPublished, group)); // unexpected: never published
        Checker.Verdict v = Checker.check(planted, group, Checker.all());
        List<String> missed = new ArrayList<>();
        require(missed, v.lost() == 1 && v.lostSample().contains(e.get(2).id()), "the lost event");
        require(missed, v.duplicated() == 1 && v.duplicatedSample().contains(e.get(1).id()), "the duplicate");
        require(missed, v.reordered() == 1, "the reordering");
        require(missed, v.unexpected() == 2, "the two unexpected events");
        require(missed, v.recovered() == 1, "the recovered indeterminate publish");
        if (!missed.isEmpty()) {
            throw new AssertionError("the checker missed " + String.join(", ", missed) + ": " + v.summary());
        }
        ctx.figure("planted anomalies detected", 6);
    }

    private static final EventPublisher ACKNOWLEDGING = publisher(null);

    private static EventPublisher failing(SwitchboardException.Reason reason) {
        return publisher(reason);
    }

    /** A publisher that acknowledges every event, or fails it with {@code reason}; nothing is sent anywhere. */
    private static EventPublisher publisher(SwitchboardException.Reason reason) {
        return new EventPublisher() {
            @Override
            public <T> CompletableFuture<Event<T>> publish(Event<T> event) {
                return reason == null ? CompletableFuture.completedFuture(event)
                        : CompletableFuture.failedFuture(SwitchboardException.forEvent(reason, event, "planted", null));
            }

            @Override
            public CompletableFuture<List<Event<?>>> publishAll(List<? extends Event<?>> events) {
                return CompletableFuture.completedFuture(List.copyOf(events));
            }

            @Override
            public void close() {
            }
        };
    }

    private static List<Event<TckItem>> events(String type, int n) {
        List<Event<TckItem>> events = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            events.add(Ledger.event(type, "k", i));
        }
        return events;
    }

    private static Handling success(Event<TckItem> e, String group) {
        return new Handling(e.id(), e.type().value(), group, "c1", 1, e.data().key(), e.data().seq(), true,
                System.nanoTime());
    }

    // ------------------------------------------------------------------------------------------------------- T2

    /**
     * T2: what the report is built from. Every scenario id of the catalogue appears exactly once, is well formed,
     * belongs to a group with a title, has a title, and either a body or a reason it is not verified; the kit
     * version written into the report was filled in at build time. (That a run records one result per scenario and
     * writes JSON and Markdown with every id is tested by the kit's own {@code KitRunTest}; the report itself is
     * written at the end of every run.)
     */
    static void catalogueIsWellFormed(ScenarioContext ctx) {
        List<Scenario> all;
        try {
            all = Catalogue.scenarios();
        } catch (IllegalStateException e) {
            throw new AssertionError("the catalogue is inconsistent: " + e.getMessage(), e);
        }
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Scenario s : all) {
            if (!ids.add(s.id())) {
                problems.add(s.id() + " appears twice");
            }
            if (!ID.matcher(s.id()).matches()) {
                problems.add(s.id() + " is not a letter group and a number");
            }
            if (Catalogue.groupTitle(s.group()).isBlank()) {
                problems.add(s.id() + " has no group title");
            }
            if (s.title().isBlank()) {
                problems.add(s.id() + " has no title");
            }
            if (s.body() == null && s.notVerifiedReason() == null) {
                problems.add(s.id() + " has neither a body nor a reason it is not verified");
            }
        }
        for (String required : List.of("T1", "T2", "T3", "T4", "T5", "T6", "T7")) {
            if (!ids.contains(required)) {
                problems.add(required + " is missing from the catalogue");
            }
        }
        String version = Report.tckVersion();
        if (version.isBlank() || version.equals("unknown") || version.contains("${")) {
            problems.add("the kit version is not known ('" + version + "'): tck.properties was not filtered");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems));
        }
        ctx.figure("scenarios", all.size());
        ctx.figure("kit version", version);
    }

    // ------------------------------------------------------------------------------------------------------- T3

    /**
     * T3: the scenarios come from {@code CompatibilityKit.compatibility()}, a final {@code @TestFactory}; the only
     * method a suite may override is {@code fixture()}; the kit has no other protected or public hook or field; the
     * runner, the catalogue and the group classes are final, and the catalogue cannot be instantiated. So a suite
     * cannot override, filter or skip a scenario: only its capability declaration selects, and the report shows it.
     */
    static void cannotBeOverridden(ScenarioContext ctx) throws Exception {
        List<String> problems = new ArrayList<>();
        Method factory = CompatibilityKit.class.getMethod("compatibility");
        if (!Modifier.isFinal(factory.getModifiers())) {
            problems.add("CompatibilityKit.compatibility() is not final");
        }
        if (!factory.isAnnotationPresent(TestFactory.class)) {
            problems.add("CompatibilityKit.compatibility() is not a @TestFactory");
        }
        for (Method m : CompatibilityKit.class.getDeclaredMethods()) {
            int mod = m.getModifiers();
            boolean overridable = !Modifier.isPrivate(mod) && !Modifier.isStatic(mod) && !Modifier.isFinal(mod);
            if (overridable && !m.getName().equals("fixture") && !m.isSynthetic()) {
                problems.add("CompatibilityKit." + m.getName() + "() can be overridden");
            }
        }
        for (Field f : CompatibilityKit.class.getDeclaredFields()) {
            if (!Modifier.isPrivate(f.getModifiers())) {
                problems.add("CompatibilityKit." + f.getName() + " is visible to subclasses");
            }
        }
        List<Class<?>> finals = new ArrayList<>(List.of(KitRun.class, Catalogue.class, Scenario.class));
        finals.addAll(GROUP_CLASSES);
        for (Class<?> c : finals) {
            if (!Modifier.isFinal(c.getModifiers())) {
                problems.add(c.getSimpleName() + " is not final");
            }
        }
        for (Class<?> c : List.of(Catalogue.class)) {
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (!Modifier.isPrivate(k.getModifiers())) {
                    problems.add(c.getSimpleName() + " can be instantiated");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems));
        }
        ctx.figure("classes checked", finals.size() + 1);
    }

    // ------------------------------------------------------------------------------------------------------- T4

    /**
     * T4: another run's events on the same driver, under its own namespace ({@code tck-other-...}), some left from
     * before this run subscribed and some published meanwhile. This run's subscription to every type of its own
     * namespace ({@code ctx.allTypes()}) receives exactly its own 20 events; the other run's subscriber receives its
     * events published after it subscribed (so they were deliverable: the check is not vacuous). The leftovers are
     * counted in the figures.
     */
    static void namespacing(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String own = ctx.type("item.recorded");
        String otherNamespace = "tck-other-" + Long.toString(ctx.seed() & 0xFFFFFFFFL, 36) + ".t4";
        String foreign = otherNamespace + ".item.recorded";
        String ownGroup = ctx.group("workers");
        String foreignGroup = otherNamespace.replace('.', '-') + "-workers";
        int leftovers = 10;
        for (int i = 0; i < leftovers; i++) {
            ledger.publishAndWait(board, Ledger.event(foreign, "k" + (i % 4), i));
        }
        board.subscribe(ownGroup, ctx.allTypes(), TckItem.class, ledger.handler(ownGroup, "c1"));
        board.subscribe(foreignGroup, foreign, TckItem.class, ledger.handler(foreignGroup, "other-run"));
        int n = 20;
        int concurrent = 10;
        List<String> concurrentIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ledger.publishAndWait(board, Ledger.event(own, "k" + (i % 4), i));
            if (i % 2 == 0) {
                concurrentIds.add(ledger.publishAndWait(board,
                        Ledger.event(foreign, "k" + (i % 4), leftovers + i)).eventId());
            }
        }
        BrokerFaultScenarios.requireAllAcknowledged(ledger);
        BrokerFaultScenarios.awaitHandled(ctx, ownGroup, own, n);
        ctx.await("the other run's subscriber to receive its " + concurrent + " events", concurrent,
                () -> concurrentIds.stream().allMatch(id -> ledger.attempts(id, foreignGroup).stream()
                        .anyMatch(Handling::success)));
        ctx.quietWindow();
        long seenHere = ledger.successes(ownGroup).stream().filter(h -> h.type().equals(foreign)).count();
        ctx.figure("other run's events published", leftovers + concurrent);
        ctx.figure("other run's events seen by the other run", ledger.handledEvents(foreignGroup));
        ctx.figure("other run's events seen by this run", seenHere);
        ctx.expect(ownGroup, Checker.ofType(own), 0, false);
    }

    // ------------------------------------------------------------------------------------------------------- T5

    /**
     * T5: the scenario's random is the one its seed makes (the kit prints the run's seed with every failure, and
     * derives each scenario's seed from it), so two generators from the seed draw the same keys and failure points.
     */
    static void seededRandomness(ScenarioContext ctx) {
        Random fromSeed = new Random(ctx.seed());
        Random again = new Random(ctx.seed());
        for (int i = 0; i < 100; i++) {
            int expected = fromSeed.nextInt(1_000_000);
            int actual = ctx.random().nextInt(1_000_000);
            int replayed = again.nextInt(1_000_000);
            if (expected != actual || expected != replayed) {
                throw new AssertionError("draw " + i + " differs: the scenario's random gave " + actual
                        + ", two generators from seed " + ctx.seed() + " gave " + expected + " and " + replayed);
            }
        }
        ctx.figure("scenario seed", ctx.seed());
    }

    // ------------------------------------------------------------------------------------------------------- T6

    /**
     * T6: every wait has a total deadline and a shorter progress timeout (two clocks), and both, like the quiet
     * window, derive from the declared latencies × the multiplier: quiet window = max(200 ms, 2 × max redelivery
     * latency) × multiplier; deadline ≥ max(30 s, n × 3 × max delivery latency) × multiplier; progress timeout
     * 15 s × multiplier, below the deadline. That a wait without progress fails at the progress timeout, well before
     * its deadline, is tested with a tiny multiplier by the kit's own {@code KitWaitTest}.
     */
    static void twoClocks(ScenarioContext ctx) {
        Timing t = ctx.timing();
        double m = t.multiplier();
        List<String> problems = new ArrayList<>();
        Duration redelivery = ctx.capabilities().maxRedeliveryLatency();
        Duration delivery = ctx.capabilities().maxDeliveryLatency();
        Duration twice = redelivery.multipliedBy(2);
        Duration quiet = scaled(twice.compareTo(Duration.ofMillis(200)) > 0 ? twice : Duration.ofMillis(200), m);
        if (!close(t.quietWindow(), quiet)) {
            problems.add("quiet window " + t.quietWindow().toMillis() + " ms, expected " + quiet.toMillis() + " ms");
        }
        if (t.progressTimeout().compareTo(t.deadline(1)) >= 0) {
            problems.add("progress timeout " + t.progressTimeout() + " is not below the deadline " + t.deadline(1));
        }
        if (!close(t.progressTimeout(), scaled(Duration.ofSeconds(15), m))) {
            problems.add("progress timeout " + t.progressTimeout() + " is not 15 s × " + m);
        }
        for (int n : new int[] {1, 100, 10_000}) {
            Duration byCount = delivery.multipliedBy(3L * n);
            Duration floor = scaled(byCount.compareTo(Duration.ofSeconds(30)) > 0 ? byCount
                    : Duration.ofSeconds(30), m);
            if (t.deadline(n).compareTo(floor.minusMillis(1)) < 0) {
                problems.add("deadline for " + n + " is " + t.deadline(n) + ", below " + floor);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("; ", problems));
        }
        ctx.figure("quiet window ms", t.quietWindow().toMillis());
        ctx.figure("progress timeout ms", t.progressTimeout().toMillis());
        ctx.figure("deadline(1) ms", t.deadline(1).toMillis());
    }

    private static Duration scaled(Duration d, double m) {
        return Duration.ofNanos((long) (d.toNanos() * m));
    }

    private static boolean close(Duration a, Duration b) {
        return Math.abs(a.toNanos() - b.toNanos()) <= 1_000_000;
    }

    private static void require(List<String> missed, boolean ok, String what) {
        if (!ok) {
            missed.add(what);
        }
    }
}
