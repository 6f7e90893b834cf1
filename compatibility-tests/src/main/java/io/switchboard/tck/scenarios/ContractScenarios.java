package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.DriverSelection;
import io.switchboard.Event;
import io.switchboard.EventPattern;
import io.switchboard.Health;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.SwitchboardMetrics;
import io.switchboard.json.JsonEventCodec;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.DriverSettings;
import io.switchboard.spi.DriverSubscription;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.EventDriverProvider;
import io.switchboard.spi.OutboundMessage;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Handling;
import io.switchboard.tck.internal.Ledger.Outcome;
import io.switchboard.tck.internal.NotVerified;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Group C of the catalogue: the declaration, selection, configuration, lifecycle and escape hatches. */
public final class ContractScenarios {

    /** A type no driver can offer through {@code unwrap}: it is private to the kit. */
    private static final class NotADriverView {
    }

    /** An interface no driver can implement, for the same reason. */
    private interface NotADriverInterface {
    }

    private ContractScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("C1", "the capability declaration is well formed, consistent and constant",
                        ContractScenarios::declarationIsConsistent),
                Scenario.must("C2", "EVENT_DRIVER selects this driver; unknown or missing drivers fail with the "
                        + "valid values", ContractScenarios::driverSelection),
                Scenario.must("C3", "invalid configuration fails when the driver is built, with CONFIGURATION",
                        ContractScenarios::invalidConfigurationFailsFast),
                Scenario.must("C4", "publishing to a destination that does not exist follows the declared policy",
                        ContractScenarios::missingDestination),
                Scenario.must("C5", "after close() every operation fails with CLOSED; a second close() is harmless",
                        ContractScenarios::operationsAfterClose),
                Scenario.must("C6", "a publish from an interrupted thread or past its deadline fails typed; a "
                        + "definite failure is never delivered", ContractScenarios::interruptedAndDeadline),
                Scenario.must("C7", "a subscription closed and reopened in the same group works, within bounds",
                        ContractScenarios::closeAndReopen),
                Scenario.should("C8", "health is UP when connected, DOWN while the broker is unreachable, UP "
                        + "again afterwards", ContractScenarios::healthFollowsTheBroker),
                Scenario.must("C9", "metrics equal the ledger exactly, with planned failures and a dead letter",
                        ContractScenarios::metricsEqualLedger),
                Scenario.must("C10", "unwrap of an unknown type is empty, never null",
                        ContractScenarios::unwrapUnknownType));
    }

    /**
     * C1: the kit already refuses a declaration it cannot read or that changes between calls before anything else
     * runs ({@code KitRun}); this re-checks the declaration's rules here, so that a relaxed contract or a
     * hand-built value cannot slip through, and that every driver the fixture builds declares the same. Keys need
     * no rule: every event carries its ordering key to the driver ({@code OutboundMessage.key}).
     */
    static void declarationIsConsistent(ScenarioContext ctx) {
        Capabilities declared = ctx.capabilities();
        List<String> problems = declarationProblems(declared);
        EventDriver fresh = ctx.fixture().createDriver();
        try {
            Capabilities first = fresh.capabilities();
            Capabilities second = fresh.capabilities();
            if (first == null || !first.equals(second)) {
                problems.add("capabilities() is not constant: two calls on one driver gave " + first + " and "
                        + second);
            } else if (!first.equals(declared)) {
                problems.add("drivers built by the fixture declare different capabilities: " + declared + " and "
                        + first);
            }
        } finally {
            fresh.close(Duration.ZERO);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("The capability declaration is inconsistent: " + String.join("; ", problems));
        }
    }

    private static List<String> declarationProblems(Capabilities c) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> required = new java.util.LinkedHashMap<>();
        required.put("delivery", c.delivery());
        required.put("ordering", c.ordering());
        required.put("durability", c.durability());
        required.put("lateGroupStart", c.lateGroupStart());
        required.put("publishDedupWindow", c.publishDedupWindow());
        required.put("consumerDedupWindow", c.consumerDedupWindow());
        required.put("deadLettering", c.deadLettering());
        required.put("batch", c.batch());
        required.put("destinations", c.destinations());
        required.put("maxDeliveryLatency", c.maxDeliveryLatency());
        required.put("maxRedeliveryLatency", c.maxRedeliveryLatency());
        required.forEach((name, value) -> {
            if (value == null) {
                problems.add(name + " is not declared");
            }
        });
        if (!problems.isEmpty()) {
            return problems;
        }
        if (c.deadLettering() != Capabilities.DeadLettering.NONE
                && c.delivery() != Capabilities.Delivery.AT_LEAST_ONCE) {
            problems.add("deadLettering " + c.deadLettering() + " requires delivery AT_LEAST_ONCE, declared "
                    + c.delivery());
        }
        if (c.orderingAcrossRetry() && c.ordering() == Capabilities.Ordering.NONE) {
            problems.add("orderingAcrossRetry requires an ordering other than NONE");
        }
        if (c.consumerDedupDurable() && c.consumerDedupWindow().isZero()) {
            problems.add("consumerDedupDurable requires a consumerDedupWindow > 0");
        }
        if (c.publishDedupWindow().isNegative() || c.consumerDedupWindow().isNegative()) {
            problems.add("dedup windows must be >= 0");
        }
        if (c.maxBatchSize() < 1) {
            problems.add("maxBatchSize must be >= 1, declared " + c.maxBatchSize());
        }
        if (c.batch() == Capabilities.BatchMode.NONE && c.maxBatchSize() != 1) {
            problems.add("batch NONE sends events one at a time, so maxBatchSize must be 1, declared "
                    + c.maxBatchSize());
        }
        if (c.maxPayloadBytes() < 1) {
            problems.add("maxPayloadBytes must be >= 1, declared " + c.maxPayloadBytes());
        }
        if (!isPositive(c.maxDeliveryLatency())) {
            problems.add("maxDeliveryLatency must be > 0, declared " + c.maxDeliveryLatency());
        }
        if (!isPositive(c.maxRedeliveryLatency())) {
            problems.add("maxRedeliveryLatency must be > 0, declared " + c.maxRedeliveryLatency());
        }
        return problems;
    }

    private static boolean isPositive(Duration d) {
        return !d.isZero() && !d.isNegative();
    }

    /**
     * C2, plain Java: {@code event.driver} / {@code EVENT_DRIVER} naming this driver builds a driver of its class
     * through the registered {@link EventDriverProvider}; an unknown name fails with CONFIGURATION listing every
     * valid value, this driver's included; a built-in driver whose module is absent fails naming the artifact.
     * Selecting the Spring {@code EventPublisher} bean is covered by the Spring module's auto-configuration tests
     * (the kit has no Spring dependency). Settings other than the driver's name come from the environment, as in
     * {@code Switchboard.fromEnvironment()}; a provider that cannot build from them makes the end-to-end check
     * "infrastructure missing".
     */
    static void driverSelection(ScenarioContext ctx) {
        ctx.switchboard();
        EventDriver driver = ctx.rawDriver();
        String name = driver.name();
        if (name == null || name.isBlank() || !DriverSelection.normalize(name).equals(name)) {
            throw new AssertionError("The driver's name '" + name + "' cannot be selected: EVENT_DRIVER values are "
                    + "trimmed and lower-cased before they are matched (DriverSelection.normalize)");
        }
        Map<String, EventDriverProvider> providers = DriverSelection.providers(
                DriverSelection.class.getClassLoader());

        String bogus = providers.containsKey("bogus") ? "bogus-" + Long.toUnsignedString(ctx.seed(), 36) : "bogus";
        SwitchboardException unknown = startupFailure("event.driver=" + bogus, selecting(DriverSelection.PROPERTY,
                bogus));
        List<String> missing = new ArrayList<>();
        if (!unknown.getMessage().contains(bogus)) {
            missing.add("the value '" + bogus + "'");
        }
        for (String valid : DriverSelection.validNames(providers.keySet())) {
            if (!unknown.getMessage().contains(valid)) {
                missing.add("the valid value '" + valid + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("The error for an unknown EVENT_DRIVER does not name " + String.join(", ",
                    missing) + ": " + unknown.getMessage());
        }

        for (String builtIn : List.of(DriverSelection.IN_MEMORY, DriverSelection.KAFKA, DriverSelection.SQS,
                DriverSelection.REDIS, DriverSelection.HYBRID)) {
            if (!providers.containsKey(builtIn)) {
                SwitchboardException absent = startupFailure("event.driver=" + builtIn + " (module absent)",
                        selecting(DriverSelection.PROPERTY, builtIn));
                if (!absent.getMessage().contains(builtIn) || !absent.getMessage().contains("io.switchboard:")) {
                    throw new AssertionError("The error for the driver '" + builtIn + "', whose module is not on "
                            + "the class path, does not name it and its artifact: " + absent.getMessage());
                }
                ctx.figure("absent module checked", builtIn);
                break;
            }
        }

        if (!providers.containsKey(name)) {
            throw new InfrastructureMissing("no EventDriverProvider named '" + name + "' is registered "
                    + "(META-INF/services/io.switchboard.spi.EventDriverProvider) on the kit's class path, so plain-"
                    + "Java selection of this driver cannot be checked; Spring selection is covered by the Spring "
                    + "module's tests");
        }
        // Through the property, and through the environment variable's name with the property unset.
        for (DriverSettings settings : List.of(selecting(DriverSelection.PROPERTY, name),
                selecting(DriverSelection.ENVIRONMENT_VARIABLE, name))) {
            Switchboard selected;
            try {
                selected = Switchboard.fromSettings(settings);
            } catch (SwitchboardException e) {
                if (e.reason() == Reason.CONFIGURATION || e.reason() == Reason.UNAVAILABLE) {
                    throw new InfrastructureMissing("the provider '" + name + "' is registered but cannot build a "
                            + "driver from this environment's settings (" + e.getMessage() + "); set them as an "
                            + "application would to check the selection end to end");
                }
                throw new AssertionError("Selecting '" + name + "' failed: " + e, e);
            }
            try {
                if (!name.equals(selected.driverName()) || selected.unwrap(driver.getClass()).isEmpty()) {
                    throw new AssertionError("EVENT_DRIVER=" + name + " built the driver '"
                            + selected.driverName() + "', not a " + driver.getClass().getName());
                }
            } finally {
                selected.close();
            }
        }
        ctx.figure("providers", String.join(" ", providers.keySet()));
    }

    /** Settings selecting {@code driver} under {@code key}; everything else from the environment. */
    private static DriverSettings selecting(String key, String driver) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(DriverSelection.PROPERTY, null); // so the environment's own EVENT_DRIVER cannot interfere
        overrides.put(DriverSelection.ENVIRONMENT_VARIABLE, null);
        overrides.put(key, driver);
        DriverSettings environment = DriverSettings.fromEnvironment();
        return DriverSettings.of(k -> overrides.containsKey(k) ? overrides.get(k)
                : environment.get(k).orElse(null));
    }

    private static SwitchboardException startupFailure(String what, DriverSettings settings) {
        Switchboard built;
        try {
            built = Switchboard.fromSettings(settings);
        } catch (SwitchboardException e) {
            if (e.reason() != Reason.CONFIGURATION) {
                throw new AssertionError(what + " failed with " + e.reason() + ", expected CONFIGURATION: "
                        + e.getMessage(), e);
            }
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError(what + " failed with " + e + ", expected a CONFIGURATION "
                    + "SwitchboardException", e);
        }
        built.close();
        throw new AssertionError(what + " started a publisher (driver " + built.driverName() + ")");
    }

    /** C3: every invalid configuration the fixture knows fails when the driver is built, not later. */
    static void invalidConfigurationFailsFast(ScenarioContext ctx) {
        List<Supplier<EventDriver>> invalid = ctx.fixture().invalidConfigurations();
        if (invalid.isEmpty()) {
            throw new InfrastructureMissing("the fixture lists no invalid configurations "
                    + "(DriverFixture.invalidConfigurations())");
        }
        long slowest = 0;
        for (int i = 0; i < invalid.size(); i++) {
            long start = System.nanoTime();
            EventDriver built;
            try {
                built = invalid.get(i).get();
            } catch (SwitchboardException e) {
                if (e.reason() != Reason.CONFIGURATION || e.getMessage() == null || e.getMessage().isBlank()) {
                    throw new AssertionError("invalid configuration #" + i + " failed with " + e.reason()
                            + ", expected CONFIGURATION with a message naming the setting: " + e, e);
                }
                slowest = Math.max(slowest, System.nanoTime() - start);
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError("invalid configuration #" + i + " failed with " + e
                        + ", expected a CONFIGURATION SwitchboardException", e);
            }
            try {
                built.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // the verdict is that it was built at all
            }
            throw new AssertionError("invalid configuration #" + i + " built a driver (" + built.name()
                    + "): it must fail at start-up, not at the first publish");
        }
        ctx.figure("invalid configurations", invalid.size());
        ctx.figure("slowest failure ms", Duration.ofNanos(slowest).toMillis());
    }

    /**
     * C4: AUTO_CREATE: a publish to a type nobody ever used succeeds, and with {@code lateGroupStart} EARLIEST a
     * group subscribing afterwards still gets it; a type whose first user is a subscriber works at once.
     * MUST_EXIST: the publish fails with REJECTED (the reason for a missing destination), and the failed event is
     * never delivered, even once a subscriber shows up.
     */
    static void missingDestination(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        Capabilities c = ctx.capabilities();
        String unused = ctx.type("never.used");
        String group = ctx.group("late");
        Ledger.Published first = ledger.publishAndWait(board, Ledger.event(unused, "k1", 0));
        ctx.figure("policy", c.destinations());
        if (c.destinations() == Capabilities.DestinationPolicy.MUST_EXIST) {
            if (first.outcome() == Outcome.OK) {
                throw new AssertionError("publishing to a destination that does not exist succeeded, although the "
                        + "driver declares MUST_EXIST: it must fail with REJECTED");
            }
            if (!(first.failure() instanceof SwitchboardException se) || se.reason() != Reason.REJECTED) {
                throw new AssertionError("publishing to a destination that does not exist failed with "
                        + first.failure() + ", expected a REJECTED SwitchboardException");
            }
            try {
                board.subscribe(group, unused, TckItem.class, ledger.handler(group, "c1"));
            } catch (SwitchboardException mayAlsoRequireTheDestination) {
                // subscribing may be refused as well; the point is that nothing arrives
            }
            ctx.quietWindow();
            ctx.expect(group, Checker.ofType(unused), 0, false);
            return;
        }
        if (first.outcome() != Outcome.OK) {
            throw new AssertionError("publishing to a destination that does not exist yet failed, although the "
                    + "driver declares AUTO_CREATE: " + first.failure());
        }
        if (c.lateGroupStart() == Capabilities.LateGroupStart.EARLIEST) {
            board.subscribe(group, unused, TckItem.class, ledger.handler(group, "c1"));
            ctx.awaitHandled(group, 1);
            ctx.quietWindow();
            ctx.expectExactlyOnce(group, unused);
        }
        String fresh = ctx.type("subscribed.first");
        String subscriber = ctx.group("first");
        board.subscribe(subscriber, fresh, TckItem.class, ledger.handler(subscriber, "c1"));
        for (int i = 0; i < 3; i++) {
            ledger.publish(board, Ledger.event(fresh, "k" + i, i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(subscriber, 3);
        ctx.quietWindow();
        ctx.expectExactlyOnce(subscriber, fresh);
    }

    /**
     * C5: once the publisher is closed, publishing fails with CLOSED on the future (never a throw), subscribing
     * throws CLOSED, the subscription is inactive and nothing reaches the driver; closing again is harmless. The
     * driver itself, closed by the publisher, refuses sends and subscriptions with CLOSED too, and a second close
     * of it is harmless.
     */
    static void operationsAfterClose(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("closing");
        Subscription subscription = board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        ledger.publishAndWait(board, Ledger.event(type, "k1", 0));
        ctx.awaitHandled(group, 1);
        int sends = ctx.driver(0).sends();
        int batches = ctx.driver(0).batches();

        board.close();
        if (!board.isClosed()) {
            throw new AssertionError("isClosed() is false after close()");
        }
        if (subscription.isActive()) {
            throw new AssertionError("the subscription is still active after the publisher closed");
        }
        expectClosed(ctx, "publish(event) after close", false, () -> board.publish(Ledger.event(type, "k1", 1)));
        expectClosed(ctx, "publish(type, data) after close", false,
                () -> board.publish(type, new TckItem("k1", 2, "x")));
        expectClosed(ctx, "publishAll after close", false,
                () -> board.publishAll(List.of(Ledger.event(type, "k1", 3))));
        try {
            board.subscribe(ctx.group("late"), type, TckItem.class, ledger.handler(group, "late"));
            throw new AssertionError("subscribe after close succeeded");
        } catch (SwitchboardException e) {
            requireClosed("subscribe after close", e);
        }
        try {
            board.close();
            subscription.close();
        } catch (RuntimeException e) {
            throw new AssertionError("a second close() threw " + e, e);
        }
        if (ctx.driver(0).sends() != sends || ctx.driver(0).batches() != batches) {
            throw new AssertionError("operations after close reached the driver: sends " + sends + " -> "
                    + ctx.driver(0).sends() + ", batches " + batches + " -> " + ctx.driver(0).batches());
        }

        EventDriver driver = ctx.rawDriver();
        Event<TckItem> late = Ledger.event(type, "k1", 4).toBuilder().correlationId("c5").build();
        OutboundMessage message = new OutboundMessage(late.id(), type, "k1", new JsonEventCodec().encode(late),
                late.headers());
        expectClosed(ctx, "the driver's send after close", true, () -> driver.send(message));
        expectClosed(ctx, "the driver's sendBatch after close", true,
                () -> driver.sendBatch(List.of(message)));
        AtomicInteger rawDeliveries = new AtomicInteger();
        try {
            DriverSubscription s = driver.subscribe(new ConsumerSpec("tck-c5", EventPattern.of(type), group, 1,
                    ScenarioContext.RETRY_POLICY, Duration.ZERO), m -> {
                        rawDeliveries.incrementAndGet();
                        return DeliveryOutcome.ACK;
                    });
            s.close();
            throw new AssertionError("the driver accepted a subscription after close (" + s + ")");
        } catch (SwitchboardException e) {
            requireClosed("the driver's subscribe after close", e);
        }
        try {
            driver.close(Duration.ZERO);
        } catch (RuntimeException e) {
            throw new AssertionError("a second close of the driver threw " + e, e);
        }
        ctx.quietWindow();
        if (ledger.handlings(group).size() != 1 || rawDeliveries.get() != 0) {
            throw new AssertionError("events were handled after close: " + ledger.handlings(group));
        }
    }

    /**
     * The operation must fail with CLOSED on its future; a driver may also throw it ({@code mayThrow}), since the
     * core turns a driver's throw into a failed future, but the publisher itself must not.
     */
    private static void expectClosed(ScenarioContext ctx, String what, boolean mayThrow,
            Supplier<CompletableFuture<?>> operation) {
        CompletableFuture<?> future;
        try {
            future = operation.get();
        } catch (SwitchboardException thrown) {
            if (!mayThrow) {
                throw new AssertionError(what + " threw " + thrown + "; failures belong on the returned future");
            }
            requireClosed(what, thrown);
            return;
        }
        if (future == null) {
            throw new AssertionError(what + " returned no future");
        }
        ctx.await(what + " to complete", 1, future::isDone);
        requireClosed(what, failureOf(what, future));
    }

    private static void requireClosed(String what, Throwable failure) {
        if (!(failure instanceof SwitchboardException se) || se.reason() != Reason.CLOSED) {
            throw new AssertionError(what + " failed with " + failure + ", expected a CLOSED SwitchboardException");
        }
    }

    /** The failure of a completed future, unwrapped; an error if it succeeded. */
    private static Throwable failureOf(String what, CompletableFuture<?> done) {
        try {
            done.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        }
        throw new AssertionError(what + " succeeded");
    }

    /**
     * C6: publishes from a thread whose interrupt flag is set, then publishes past a 1 ns deadline (a second
     * publisher). Each either succeeds, and is then delivered, or fails with a SwitchboardException; a definite
     * failure is never delivered (the ledger counts it as unexpected), an indeterminate one may be ("recovered").
     * The publisher keeps the caller's interrupt status and keeps working afterwards.
     */
    static void interruptedAndDeadline(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.interrupted");
        String group = ctx.group("interrupted");
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        int n = 20;
        int flagCleared = 0;
        for (int i = 0; i < n; i++) {
            Thread.currentThread().interrupt();
            try {
                ledger.publish(board, Ledger.event(type, "k" + (i % 4), i));
            } finally {
                if (!Thread.interrupted()) { // clears it for the kit's own waits
                    flagCleared++;
                }
            }
        }
        ctx.awaitPublishes();
        if (flagCleared > 0) {
            throw new AssertionError("publish cleared the caller's interrupt status " + flagCleared + " time(s) of "
                    + n);
        }
        for (int i = n; i < n + 5; i++) {
            Ledger.Published after = ledger.publishAndWait(board, Ledger.event(type, "k" + (i % 4), i));
            if (after.outcome() != Outcome.OK) {
                throw new AssertionError("the publisher no longer works after interrupted publishes: "
                        + after.failure());
            }
        }

        Switchboard hurried = ctx.newSwitchboard(b -> b.publishTimeout(Duration.ofNanos(1)));
        String deadlineType = ctx.type("item.hurried");
        String deadlineGroup = ctx.group("hurried");
        hurried.subscribe(deadlineGroup, deadlineType, TckItem.class, ledger.handler(deadlineGroup, "c1"));
        for (int i = 0; i < n; i++) {
            ledger.publish(hurried, Ledger.event(deadlineType, "k" + (i % 4), i));
        }
        ctx.awaitPublishes();

        for (Ledger.Published p : ledger.publishes()) {
            if (p.outcome() != Outcome.OK && !(p.failure() instanceof SwitchboardException)) {
                throw new AssertionError("publish of " + p.eventId() + " failed with an untyped " + p.failure());
            }
        }
        for (String[] pair : new String[][] {{type, group}, {deadlineType, deadlineGroup}}) {
            int ok = ledger.publishes(Checker.ofType(pair[0])).stream().filter(p -> p.outcome() == Outcome.OK)
                    .mapToInt(p -> 1).sum();
            ctx.awaitHandled(pair[1], ok);
        }
        ctx.quietWindow(); // a failed publish arriving late would show up here
        ctx.expect(group, Checker.ofType(type), 0, false);
        ctx.expect(deadlineGroup, Checker.ofType(deadlineType), 0, false);
        ctx.figure("interrupted ok", countOf(ledger, type, Outcome.OK));
        ctx.figure("interrupted failed", countOf(ledger, type, Outcome.FAILED)
                + countOf(ledger, type, Outcome.INDETERMINATE));
        ctx.figure("deadline ok", countOf(ledger, deadlineType, Outcome.OK));
        ctx.figure("deadline failed", countOf(ledger, deadlineType, Outcome.FAILED)
                + countOf(ledger, deadlineType, Outcome.INDETERMINATE));
    }

    private static long countOf(Ledger ledger, String type, Outcome outcome) {
        return ledger.publishes(Checker.ofType(type)).stream().filter(p -> p.outcome() == outcome).count();
    }

    /**
     * C8: with a subscription open, every component the driver reports is UP; while the broker is stopped (or cut
     * off) at least one is DOWN; after it is back, all are UP again. The kit publishes nothing meanwhile: health must
     * follow the connection, not the last publish. TCK.md's second half (DOWN while a consumer is stuck) has no
     * threshold in the contract to test against and is not checked.
     */
    static void healthFollowsTheBroker(ScenarioContext ctx) throws InterruptedException {
        BrokerControl control = ctx.brokerControl().orElseThrow(
                () -> new InfrastructureMissing("needs broker control with RESTART or PARTITION"));
        boolean restart = control.supported().contains(BrokerControl.Fault.RESTART);
        if (!restart && !control.supported().contains(BrokerControl.Fault.PARTITION)) {
            throw new InfrastructureMissing("needs broker control with RESTART or PARTITION; the fixture supports "
                    + control.supported());
        }
        Switchboard board = ctx.switchboard();
        String type = ctx.type("health.checked");
        String group = ctx.group("watch");
        board.subscribe(group, type, TckItem.class, ctx.ledger().handler(group, "c1"));
        if (board.health().isEmpty()) {
            throw new NotVerified("the driver reports no health (EventDriver.health() is empty)");
        }
        Duration within = ctx.timing().scale(Duration.ofSeconds(10));
        awaitHealth(board, "every component UP once connected", ContractScenarios::allUp, within);
        if (restart) {
            control.stop();
        } else {
            control.cut();
        }
        try {
            awaitHealth(board, "a component DOWN while the broker is " + (restart ? "stopped" : "cut off"),
                    health -> !allUp(health), within);
        } finally {
            if (restart) {
                control.start();
            } else {
                control.restore();
            }
        }
        awaitHealth(board, "every component UP again after the broker is back", ContractScenarios::allUp, within);
    }

    private static boolean allUp(List<Health> health) {
        return !health.isEmpty() && health.stream().allMatch(Health::isUp);
    }

    private static void awaitHealth(Switchboard board, String what, Predicate<List<Health>> condition,
            Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<Health> health = board.health();
        while (!condition.test(health)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("health: expected " + what + " within " + within.toMillis() + " ms, "
                        + "still " + health);
            }
            Thread.sleep(20);
            health = board.health();
        }
    }

    /**
     * C7: one member handles, closes, and a new member of the same group takes over, twice. Closing an idle
     * subscription and subscribing again each return within {@code max(1 s, 10 × maxDeliveryLatency)} × the
     * multiplier; after close returns the closed member handles nothing; events published while the group had no
     * member are delivered to the next one when the driver survives consumer restarts; nothing is lost or
     * duplicated.
     */
    static void closeAndReopen(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("restarting");
        boolean durable = ctx.capabilities().durability() != Capabilities.Durability.NONE;
        Duration tenLatencies = ctx.capabilities().maxDeliveryLatency().multipliedBy(10);
        Duration bound = ctx.timing().scale(tenLatencies.compareTo(Duration.ofSeconds(1)) > 0 ? tenLatencies
                : Duration.ofSeconds(1));
        int perPhase = 5;
        int seq = 0;
        Subscription member = board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-0"));
        for (int i = 0; i < perPhase; i++) {
            ledger.publish(board, Ledger.event(type, "k" + (seq % 3), seq++));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(group, perPhase);
        long slowestStop = 0;
        long slowestStart = 0;
        for (int cycle = 1; cycle <= 2; cycle++) {
            String previous = "member-" + (cycle - 1);
            long t0 = System.nanoTime();
            member.close();
            long closedAt = System.nanoTime();
            slowestStop = Math.max(slowestStop, closedAt - t0);
            if (member.isActive()) {
                throw new AssertionError(previous + " is still active after close()");
            }
            if (durable) { // published while the group has no member
                for (int i = 0; i < perPhase; i++) {
                    ledger.publish(board, Ledger.event(type, "k" + (seq % 3), seq++));
                }
                ctx.awaitPublishes();
            }
            long t1 = System.nanoTime();
            member = board.subscribe(group, type, TckItem.class, ledger.handler(group, "member-" + cycle));
            slowestStart = Math.max(slowestStart, System.nanoTime() - t1);
            if (!member.isActive()) {
                throw new AssertionError("member-" + cycle + " is not active after subscribe()");
            }
            for (int i = 0; i < perPhase; i++) {
                ledger.publish(board, Ledger.event(type, "k" + (seq % 3), seq++));
            }
            ctx.awaitPublishes();
            int owed = (int) countOf(ledger, type, Outcome.OK);
            ctx.awaitHandled(group, owed);
            for (Handling h : ledger.handlings(group)) {
                if (h.consumer().equals(previous) && h.nanos() > closedAt) {
                    throw new AssertionError(previous + " handled event #" + h.seq() + " after its subscription "
                            + "was closed");
                }
            }
        }
        long boundNanos = bound.toNanos();
        if (slowestStop > boundNanos || slowestStart > boundNanos) {
            throw new AssertionError("stop took up to " + Duration.ofNanos(slowestStop).toMillis() + " ms and start "
                    + "up to " + Duration.ofNanos(slowestStart).toMillis() + " ms; the bound is " + bound.toMillis()
                    + " ms (max(1 s, 10 x maxDeliveryLatency) x multiplier)");
        }
        ctx.quietWindow();
        ctx.expectExactlyOnce(group, type);
        ctx.figure("slowest stop ms", Duration.ofNanos(slowestStop).toMillis());
        ctx.figure("slowest start ms", Duration.ofNanos(slowestStart).toMillis());
        ctx.figure("bound ms", bound.toMillis());
    }

    /**
     * C9: a run with every kind of outcome: handled events, first attempts that fail once, one event that always
     * fails (dead-lettered, when the driver dead-letters) and publishes that fail before sending. Every counter of
     * {@link Switchboard#metrics()} must equal what the ledger shows, and stay equal through a quiet window.
     * Without at-least-once delivery no handler fails (a failed attempt would be dropped, not retried).
     */
    static void metricsEqualLedger(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.counted");
        String group = ctx.group("counted");
        boolean retries = ctx.capabilities().delivery() == Capabilities.Delivery.AT_LEAST_ONCE;
        boolean deadLetters = retries && ctx.capabilities().deadLettering() != Capabilities.DeadLettering.NONE;
        int maxAttempts = ScenarioContext.RETRY_POLICY.maxAttempts();
        long poison = 1_000;
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> {
            long seq = e.data().seq();
            if (retries && seq % 5 == 0 && attempt == 1) {
                throw new IllegalStateException("planned failure of the first attempt");
            }
            if (seq == poison) {
                throw new IllegalStateException("planned failure of every attempt");
            }
        }));
        int n = 20;
        for (int i = 0; i < n; i++) {
            ledger.publish(board, Ledger.event(type, "k" + (i % 4), i));
        }
        if (deadLetters) {
            ledger.publish(board, Ledger.event(type, "poison", poison));
        }
        for (int i = 0; i < 2; i++) { // fails before anything is sent
            ledger.publish(board, Ledger.event(type, "k0", 2_000 + i).toBuilder()
                    .extension("unwritable", new Object()).build());
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(group, n);
        if (deadLetters) {
            ctx.await("the poison event's " + maxAttempts + " attempts", maxAttempts,
                    () -> ledger.handlings(group).stream().filter(h -> h.seq() == poison).count() >= maxAttempts);
        }
        Supplier<SwitchboardMetrics> expected = () -> fromLedger(ledger, group, maxAttempts);
        try {
            ctx.await("the metrics to match the ledger", n, () -> expected.get().equals(board.metrics()));
        } catch (AssertionError timeout) {
            throw new AssertionError("metrics " + board.metrics() + " differ from the ledger's "
                    + expected.get() + " (" + timeout.getMessage() + ")");
        }
        ctx.quietWindow();
        SwitchboardMetrics metrics = board.metrics();
        if (!metrics.equals(expected.get())) {
            throw new AssertionError("after the quiet window, metrics " + metrics + " differ from the ledger's "
                    + expected.get());
        }
        ctx.figure("published", metrics.published());
        ctx.figure("publish failures", metrics.publishFailures());
        ctx.figure("handled", metrics.handled());
        ctx.figure("handler failures", metrics.handlerFailures());
        ctx.figure("retries", metrics.retries());
        ctx.figure("dead-lettered", metrics.deadLettered());
    }

    /** The counters the ledger implies: deduplication is off and nothing is released in this scenario. */
    private static SwitchboardMetrics fromLedger(Ledger ledger, String group, int maxAttempts) {
        long published = ledger.count(Outcome.OK);
        long publishFailures = ledger.count(Outcome.FAILED) + ledger.count(Outcome.INDETERMINATE);
        List<Handling> handlings = ledger.handlings(group);
        long handled = handlings.stream().filter(Handling::success).count();
        long failures = handlings.size() - handled;
        Set<String> events = new HashSet<>();
        handlings.forEach(h -> events.add(h.eventId()));
        long deadLettered = 0;
        for (String id : events) {
            List<Handling> attempts = ledger.attempts(id, group);
            if (attempts.stream().noneMatch(Handling::success)
                    && attempts.stream().filter(h -> !h.success()).count() >= maxAttempts) {
                deadLettered++;
            }
        }
        return new SwitchboardMetrics(published, publishFailures, handled, failures, failures - deadLettered,
                deadLettered, 0, 0);
    }

    /** C10: unwrap of a type no driver can offer is empty, never null and never a throw, on both layers. */
    static void unwrapUnknownType(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        EventDriver driver = ctx.rawDriver();
        for (Class<?> unknown : List.of(NotADriverView.class, NotADriverInterface.class)) {
            Optional<?> viaPublisher = unwrap("Switchboard.unwrap(" + unknown.getSimpleName() + ")",
                    () -> board.unwrap(unknown));
            Optional<?> viaDriver = unwrap(driver.getClass().getSimpleName() + ".unwrap("
                    + unknown.getSimpleName() + ")", () -> driver.unwrap(unknown));
            if (viaPublisher.isPresent() || viaDriver.isPresent()) {
                throw new AssertionError("unwrap(" + unknown.getSimpleName() + ") offered " + viaPublisher + " / "
                        + viaDriver + " for a type private to the kit");
            }
        }
    }

    private static Optional<?> unwrap(String what, Supplier<Optional<?>> call) {
        Optional<?> result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            throw new AssertionError(what + " threw " + e + "; it must return Optional.empty()", e);
        }
        if (result == null) {
            throw new AssertionError(what + " returned null; it must return Optional.empty()");
        }
        return result;
    }
}
