package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.Event;
import io.switchboard.IdempotencyKey;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Subscription;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.BrokerControl.Fault;
import io.switchboard.tck.internal.Checker;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Outcome;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.Scenario.Gate;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Group X of the catalogue: at-least-once when the broker restarts, is cut off, is down at start or while
 * publishing, and when a consumer crashes. The faults come from the fixture's {@link BrokerControl}; every scenario
 * that takes the broker down brings it back before it ends, whatever happens, so the next scenario finds it up.
 *
 * <p>Publishing "with publish retry" means what an application does: a publish that fails is retried with the
 * same event (same id) until it is acknowledged or the scenario's deadline passes. Only acknowledged publishes are
 * owed; an indeterminate one that arrives anyway is counted as recovered, and duplicates are counted against a
 * budget each scenario states.
 */
public final class BrokerFaultScenarios {

    /** Handler concurrency of the kit's consumer in the fault scenarios; it bounds the in-flight window. */
    static final int CONSUMER_CONCURRENCY = 4;

    /**
     * X5 needs two clients of one broker. The kit's fixture API gives fresh driver instances only; they share state
     * exactly when the driver's state lives in a broker and not in the driver instance, which is what a declaration
     * of durability across broker restarts implies (an in-process driver keeps its state in the instance).
     */
    static final Gate SHARED_BROKER = c -> c.durability() == Capabilities.Durability.BROKER_RESTART ? null
            : "needs a second client of the same broker, which the kit assumes only when the driver's state outlives "
                    + "the driver instance (durability BROKER_RESTART); durability is " + c.durability();

    private BrokerFaultScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("X1", "every acknowledged publish survives two broker restarts mid-stream",
                        BrokerFaultScenarios::restartsMidStream)
                        .when(Gates.AT_LEAST_ONCE).when(Gates.SURVIVES_BROKER_RESTART).withFaults(Fault.RESTART),
                Scenario.must("X2", "a network partition mid-stream loses no acknowledged publish; the client "
                        + "resumes without a restart", BrokerFaultScenarios::partitionMidStream)
                        .when(Gates.AT_LEAST_ONCE).withFaults(Fault.PARTITION),
                Scenario.must("X3", "broker down at start: the publisher fails fast or starts and attaches later; "
                        + "nothing acknowledged after startup is lost", BrokerFaultScenarios::brokerDownAtStart)
                        .when(Gates.AT_LEAST_ONCE).withFaults(Fault.RESTART),
                Scenario.must("X4", "publish while the broker is down: a typed failure within the publish timeout, "
                        + "or delivered later; never ok-then-lost", BrokerFaultScenarios::publishWhileDown)
                        .when(Gates.AT_LEAST_ONCE).withFaults(Fault.RESTART),
                Scenario.must("X5", "a crashed consumer's unacknowledged events are redelivered to a new consumer",
                        BrokerFaultScenarios::consumerCrash)
                        .when(Gates.AT_LEAST_ONCE).when(SHARED_BROKER),
                Scenario.must("X6", "a durable group with no live consumer keeps everything published meanwhile; "
                        + "it all arrives on resubscribe", BrokerFaultScenarios::noLiveConsumer)
                        .when(Gates.SURVIVES_CONSUMER_RESTART),
                Scenario.must("X7", "deduplication holds across a broker restart: each event is handled once",
                        BrokerFaultScenarios::dedupAcrossRestart)
                        .when(Gates.SURVIVES_BROKER_RESTART).when(Gates.DURABLE_DEDUP).withFaults(Fault.RESTART));
    }

    // ---------------------------------------------------------------------------------------------- X1, X2, X7

    /**
     * X1: {@code restartEvents} events from {@code restartPublishers} threads with publish retry; the broker is
     * restarted at 1/3 of the stream and again at 1/2 (killed, if the control supports it). Lost = 0.
     *
     * <p>Duplicate budget: one per publish attempt that ended indeterminate (it may have landed, and was retried),
     * plus, per fault, the larger of the consumer's in-flight window (members × concurrency) and 1% of the stream,
     * for deliveries handled but not yet acknowledged when the broker went away (batch-acknowledging drivers replay
     * more than the in-flight window).
     */
    static void restartsMidStream(ScenarioContext ctx) throws Exception {
        BrokerControl control = control(ctx);
        Duration outage = outage(ctx);
        Injection second = control.supported().contains(Fault.KILL)
                ? new Injection("kill", 0.5, control::kill, control::start, outage)
                : new Injection("restart", 0.5, control::stop, control::start, outage);
        faultedStream(ctx, ctx.switchboard(), List.of(
                new Injection("restart", 1.0 / 3, control::stop, control::start, outage), second), true);
    }

    /** X2: as X1 with one partition from 1/3 of the stream, as long as the profile says; the same assertions. */
    static void partitionMidStream(ScenarioContext ctx) throws Exception {
        BrokerControl control = control(ctx);
        faultedStream(ctx, ctx.switchboard(), List.of(
                new Injection("partition", 1.0 / 3, control::cut, control::restore, partitionLength(ctx))), true);
    }

    /**
     * X7: X1's stream with one restart, consumed with deduplication on (by event id, in the kit's store of the
     * consumer's process): the handler runs once per event, so the budget for duplicates reaching it is 0.
     */
    static void dedupAcrossRestart(ScenarioContext ctx) throws Exception {
        BrokerControl control = control(ctx);
        Switchboard board = ctx.switchboard(b -> b.idempotencyKey(IdempotencyKey.EVENT_ID));
        faultedStream(ctx, board, List.of(
                new Injection("restart", 1.0 / 3, control::stop, control::start, outage(ctx))), false);
    }

    /** A fault begun when the stream has {@code at} × its events acknowledged, ended {@code lasting} later. */
    record Injection(String name, double at, Runnable begin, Runnable end, Duration lasting) {
    }

    private static void faultedStream(ScenarioContext ctx, Switchboard board, List<Injection> injections,
            boolean duplicatesAllowed) throws Exception {
        String type = ctx.type("item.recorded");
        String group = ctx.group("durable");
        Ledger ledger = ctx.ledger();
        int events = ctx.sizes().restartEvents();
        int threads = ctx.sizes().restartPublishers();
        board.subscribe(SubscriptionRequest.group(group, type, TckItem.class, ledger.handler(group, "c1"))
                .withMaxConcurrency(CONSUMER_CONCURRENCY));

        RetryingPublisher publisher = new RetryingPublisher(ctx, board);
        AtomicInteger nextInjection = new AtomicInteger();
        int[] thresholds = injections.stream().mapToInt(i -> Math.max(1, (int) (events * i.at()))).toArray();
        CountDownLatch[] begun = new CountDownLatch[injections.size()];
        for (int f = 0; f < begun.length; f++) {
            begun[f] = new CountDownLatch(1);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads("tck-x-publisher-"));
        List<Future<?>> publishers = new ArrayList<>();
        List<String> happened = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                publishers.add(pool.submit(() -> {
                    for (int i = thread; i < events; i += threads) {
                        int f = nextInjection.get();
                        if (f < thresholds.length && publisher.acknowledged() >= thresholds[f]) {
                            // Hold at the threshold until the fault has begun, so that publishes meet it.
                            begun[f].await(publisher.remainingNanos(), TimeUnit.NANOSECONDS);
                        }
                        // Each thread owns its keys, so a key's events are published in sequence order.
                        publisher.publish(Ledger.event(type, "p" + thread + "-k" + (i / threads) % 4, i));
                    }
                    return null;
                }));
            }
            for (int f = 0; f < injections.size(); f++) {
                Injection injection = injections.get(f);
                int threshold = thresholds[f];
                ctx.await(threshold + " acknowledged publishes before the " + injection.name(), events,
                        () -> publisher.acknowledged() >= threshold || allDone(publishers));
                injection.begin().run();
                try {
                    happened.add(injection.name() + " at " + publisher.acknowledged());
                    begun[f].countDown();
                    ScenarioContext.pause(injection.lasting().toMillis()); // the fault's duration, not a wait
                } finally {
                    injection.end().run();
                    nextInjection.incrementAndGet();
                }
            }
            ctx.await("every publisher to finish", events, () -> allDone(publishers));
            for (Future<?> p : publishers) {
                rethrow(p);
            }
        } finally {
            for (CountDownLatch latch : begun) {
                latch.countDown(); // never leave a publisher waiting for a fault that will not come
            }
            pool.shutdownNow();
        }
        ctx.figure("faults", String.join(", ", happened));
        publisher.addFigures();
        publisher.requireAllAcknowledged();

        awaitHandled(ctx, group, type, events);
        ctx.quietWindow(); // redeliveries after the faults may trail the last first delivery
        int budget = duplicatesAllowed
                ? publisher.indeterminateAttempts() + injections.size() * Math.max(CONSUMER_CONCURRENCY, events / 100)
                : 0;
        ctx.figure("duplicate budget", budget);
        ctx.expect(group, Checker.ofType(type), budget, false);
    }

    // ------------------------------------------------------------------------------------------------------- X3

    /**
     * X3: the broker is stopped before the publisher is created. Creating it either fails fast with
     * {@code CONFIGURATION} or {@code UNAVAILABLE} (then it must work once the broker is back), or succeeds; then a
     * subscription made while the broker is down attaches when it comes back, publishes made meanwhile fail typed or
     * are delivered, and every acknowledged publish arrives.
     */
    static void brokerDownAtStart(ScenarioContext ctx) throws Exception {
        BrokerControl control = control(ctx);
        String type = ctx.type("item.recorded");
        String group = ctx.group("late-binding");
        Ledger ledger = ctx.ledger();
        Duration limit = ctx.timing().scale(Duration.ofSeconds(10));
        control.stop();
        boolean down = true;
        try {
            Switchboard board;
            Throwable startFailure = startWithin(ctx::switchboard, limit);
            if (startFailure == null) {
                board = ctx.switchboard();
                ctx.figure("startup with the broker down", "started");
            } else {
                requireReason(startFailure, "creating the publisher with the broker down",
                        SwitchboardException.Reason.CONFIGURATION, SwitchboardException.Reason.UNAVAILABLE);
                ctx.figure("startup with the broker down", "failed fast: "
                        + ((SwitchboardException) startFailure).reason());
                control.start();
                down = false;
                board = ctx.switchboard();
            }

            boolean subscribed = trySubscribe(board, group, type, ledger);
            ctx.figure("subscribe with the broker down", down ? (subscribed ? "accepted" : "failed fast") : "n/a");
            if (down) {
                List<CompletableFuture<Event<TckItem>>> whileDown = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    whileDown.add(ledger.publish(board, Ledger.event(type, "k" + (i % 4), i)));
                }
                ctx.await("the publishes made while the broker is down to complete", whileDown.size(),
                        () -> whileDown.stream().allMatch(CompletableFuture::isDone));
                requireTypedFailures(ledger, "a publish made while the broker is down");
                ctx.figure("acknowledged while down", ledger.count(Outcome.OK));
                control.start();
                down = false;
            }
            if (!subscribed) {
                board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
            }
            RetryingPublisher publisher = new RetryingPublisher(ctx, board);
            for (int i = 10; i < 30; i++) {
                publisher.publish(Ledger.event(type, "k" + (i % 4), i));
            }
            publisher.requireAllAcknowledged();
            int owed = (int) ledger.count(Outcome.OK);
            awaitHandled(ctx, group, type, owed);
            ctx.quietWindow();
            ctx.expect(group, Checker.ofType(type), (int) ledger.count(Outcome.INDETERMINATE)
                    + publisher.indeterminateAttempts(), false);
        } finally {
            if (down) {
                control.start();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------- X4

    /**
     * X4: with the broker stopped, 20 publishes each complete within the publish timeout, either acknowledged
     * (buffered, and then delivered once the broker is back) or with a typed failure. A failed publish is never
     * delivered; an indeterminate one may be (recovered). Duplicate budget: the indeterminate publishes.
     */
    static void publishWhileDown(ScenarioContext ctx) throws Exception {
        BrokerControl control = control(ctx);
        Duration publishTimeout = ctx.timing().scale(Duration.ofSeconds(5));
        Switchboard board = ctx.switchboard(b -> b.publishTimeout(publishTimeout));
        String type = ctx.type("item.recorded");
        String group = ctx.group("while-down");
        Ledger ledger = ctx.ledger();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        ledger.publishAndWait(board, Ledger.event(type, "k0", 0));
        awaitHandled(ctx, group, type, 1); // the subscription is attached before the broker goes down

        int n = 20;
        Map<String, Long> millis = new ConcurrentHashMap<>();
        control.stop();
        try {
            List<CompletableFuture<Event<TckItem>>> whileDown = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                Event<TckItem> event = Ledger.event(type, "k" + (i % 4), i);
                long start = System.nanoTime();
                whileDown.add(ledger.publish(board, event).whenComplete((ok, error) ->
                        millis.put(event.id(), (System.nanoTime() - start) / 1_000_000)));
            }
            ctx.await("every publish made while the broker is down to complete", n,
                    () -> whileDown.stream().allMatch(CompletableFuture::isDone));
        } finally {
            control.start();
        }
        long slowest = millis.values().stream().mapToLong(Long::longValue).max().orElse(0);
        long allowed = publishTimeout.plus(ctx.timing().scale(Duration.ofSeconds(1))).toMillis();
        if (slowest > allowed) {
            throw new AssertionError("a publish made while the broker was down took " + slowest + " ms to complete; "
                    + "the publish timeout is " + publishTimeout.toMillis() + " ms");
        }
        requireTypedFailures(ledger, "a publish made while the broker is down");
        Map<String, Integer> reasons = new TreeMap<>();
        for (Ledger.Published p : ledger.publishes()) {
            if (p.outcome() != Outcome.OK && p.failure() instanceof SwitchboardException se) {
                reasons.merge(se.reason().name(), 1, Integer::sum);
            }
        }
        ctx.figure("acknowledged while down", ledger.count(Outcome.OK) - 1);
        ctx.figure("failures while down", reasons);
        ctx.figure("slowest completion ms", slowest);

        RetryingPublisher after = new RetryingPublisher(ctx, board);
        after.publish(Ledger.event(type, "k0", n + 1)); // flow resumes after the restart
        after.requireAllAcknowledged();
        awaitHandled(ctx, group, type, (int) ledger.count(Outcome.OK));
        ctx.quietWindow();
        ctx.expect(group, Checker.ofType(type), (int) ledger.count(Outcome.INDETERMINATE)
                + after.indeterminateAttempts(), false);
    }

    // ------------------------------------------------------------------------------------------------------- X5

    /**
     * X5: a second client of the same broker joins the group; its handler handles 5 events, then blocks on the next
     * ones (mid-batch) and never returns until the scenario ends. Its driver is then closed abruptly
     * ({@code close(Duration.ZERO)}) with the subscription never closed: the connection goes away as in a crash. A
     * new consumer, on the first client, must receive everything not yet handled, the blocked events included.
     * Duplicate budget: the 5 handled before the crash (their acknowledgements may not have reached the broker).
     */
    static void consumerCrash(ScenarioContext ctx) throws Exception {
        Switchboard survivor = ctx.switchboard();
        Switchboard crashing = ctx.newSwitchboard(b -> b);
        String type = ctx.type("item.recorded");
        String group = ctx.group("crash");
        Ledger ledger = ctx.ledger();
        int n = 20;
        int handledBeforeStuck = 5;
        int stuckCount = 2;
        AtomicInteger taken = new AtomicInteger();
        Set<String> stuck = ConcurrentHashMap.newKeySet();
        CountDownLatch abandon = new CountDownLatch(1);
        try {
            crashing.subscribe(SubscriptionRequest.group(group, type, TckItem.class,
                    ledger.handler(group, "crashing", (event, attempt) -> {
                        if (taken.incrementAndGet() <= handledBeforeStuck) {
                            return;
                        }
                        stuck.add(event.id());
                        awaitUninterruptibly(abandon); // stuck mid-batch, deaf to interruption, like a hung process
                        throw new IllegalStateException("abandoned by the crashed consumer");
                    })).withMaxConcurrency(stuckCount));
            for (int i = 0; i < n; i++) {
                ledger.publishAndWait(survivor, Ledger.event(type, "k" + (i % 4), i));
            }
            requireAllAcknowledged(ledger);
            ctx.await("the crashing consumer to handle " + handledBeforeStuck + " events and get stuck", n,
                    () -> stuck.size() >= Math.min(stuckCount, n - handledBeforeStuck)
                            && ledger.handledEvents(group) >= handledBeforeStuck);

            crash(ctx, ctx.driver(1).driver());

            survivor.subscribe(group, type, TckItem.class, ledger.handler(group, "successor"));
            awaitHandled(ctx, group, type, n);
            ctx.quietWindow();
            ctx.figure("handled before the crash", handledBeforeStuck);
            ctx.figure("stuck in the crashed consumer", stuck.size());
            ctx.expect(group, Checker.ofType(type), handledBeforeStuck, false);
            for (String id : stuck) {
                boolean redelivered = ledger.attempts(id, group).stream()
                        .anyMatch(h -> h.success() && h.consumer().equals("successor"));
                if (!redelivered) {
                    throw new AssertionError("event " + id + ", stuck in the crashed consumer, was not handled by the "
                            + "new consumer");
                }
            }
        } finally {
            abandon.countDown();
        }
    }

    /** Closes {@code driver} without closing its subscriptions first, waiting at most a few seconds for it. */
    private static void crash(ScenarioContext ctx, io.switchboard.spi.EventDriver driver) {
        Thread t = new Thread(() -> {
            try {
                driver.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // a crash reports nothing
            }
        }, "tck-x5-crash");
        t.setDaemon(true);
        t.start();
        try {
            t.join(ctx.timing().scale(Duration.ofSeconds(5)).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        ctx.figure("crashed driver closed", !t.isAlive());
    }

    // ------------------------------------------------------------------------------------------------------- X6

    /**
     * X6: the group's only member is closed; 100 events are published while the group has no live consumer; nothing
     * is handled meanwhile (a closed member that still receives is a leak); a new member receives all 100, in
     * per-key order when the driver declares it, without duplicates.
     *
     * <p>Where the driver's state outlives the driver instance (durability {@code BROKER_RESTART}), the events are
     * published by a separate client that is closed before the consumer comes back, so only the broker holds them
     * (what a close that does not flush would lose). An in-process driver publishes and consumes through one
     * instance.
     */
    static void noLiveConsumer(ScenarioContext ctx) {
        Switchboard consumer = ctx.switchboard();
        boolean separateClients = ctx.capabilities().durability() == Capabilities.Durability.BROKER_RESTART;
        Switchboard producer = separateClients ? ctx.newSwitchboard(b -> b) : consumer;
        String type = ctx.type("item.recorded");
        String group = ctx.group("durable");
        Ledger ledger = ctx.ledger();
        boolean ordered = ctx.capabilities().ordering().compareTo(Capabilities.Ordering.PER_KEY_SINGLE_CONSUMER) >= 0;

        Subscription first = consumer.subscribe(group, type, TckItem.class, ledger.handler(group, "before"));
        ledger.publishAndWait(producer, Ledger.event(type, "k0", 0));
        awaitHandled(ctx, group, type, 1); // the group exists and its member is attached
        first.close();
        long closedAt = System.nanoTime();

        int n = 100;
        for (int i = 1; i <= n; i++) {
            ledger.publishAndWait(producer, Ledger.event(type, "k" + (i % 4), i));
        }
        requireAllAcknowledged(ledger);
        if (separateClients) {
            producer.close();
        }
        ctx.quietWindow(); // a closed member that still receives shows up here
        List<Ledger.Handling> leaked = ledger.handlings(group).stream()
                .filter(h -> h.consumer().equals("before") && h.nanos() > closedAt).toList();
        if (!leaked.isEmpty()) {
            throw new AssertionError(leaked.size() + " event(s) were handled by a closed subscription, e.g. "
                    + leaked.get(0));
        }

        consumer.subscribe(group, type, TckItem.class, ledger.handler(group, "after"));
        awaitHandled(ctx, group, type, n + 1);
        ctx.quietWindow();
        ctx.figure("separate producer client", separateClients);
        ctx.figure("order checked", ordered);
        ctx.expect(group, Checker.ofType(type), 0, ordered);
    }

    // --------------------------------------------------------------------------------------------------- helpers

    /**
     * {@code ctx.awaitHandled}, but a timeout says what is missing: the checker's verdict for {@code group} against
     * the publishes of {@code type} (the lost events, with a sample of ids).
     */
    static void awaitHandled(ScenarioContext ctx, String group, String type, int count) {
        try {
            ctx.awaitHandled(group, count);
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "; so far: "
                    + Checker.check(ctx.ledger(), group, Checker.ofType(type)).summary(), timedOut);
        }
    }

    static BrokerControl control(ScenarioContext ctx) {
        return ctx.brokerControl().orElseThrow(() -> new InfrastructureMissing("needs broker control; the fixture "
                + "offers none"));
    }

    /** How long a restart keeps the broker down: twice the declared delivery latency, at least 200 ms. */
    static Duration outage(ScenarioContext ctx) {
        Duration twice = ctx.capabilities().maxDeliveryLatency().multipliedBy(2);
        return ctx.timing().scale(twice.compareTo(Duration.ofMillis(200)) > 0 ? twice : Duration.ofMillis(200));
    }

    /** X2's partition: 500 ms in smoke, 5 s in standard, 30 s in soak (TCK.md). */
    static Duration partitionLength(ScenarioContext ctx) {
        return switch (ctx.profile()) {
            case SMOKE -> Duration.ofMillis(500);
            case STANDARD -> Duration.ofSeconds(5);
            case SOAK -> Duration.ofSeconds(30);
        };
    }

    /**
     * Takes what a control controls down and back up: by restart where it supports one, else by a partition; empty
     * if it supports neither.
     */
    record Outage(String kind, Runnable begin, Runnable end) {
        static Optional<Outage> of(BrokerControl control) {
            if (control.supported().contains(Fault.RESTART)) {
                return Optional.of(new Outage("restart", control::stop, control::start));
            }
            if (control.supported().contains(Fault.PARTITION)) {
                return Optional.of(new Outage("partition", control::cut, control::restore));
            }
            return Optional.empty();
        }
    }

    /**
     * Publishes each event until it is acknowledged, retrying with the same event (same id) after a short back-off,
     * until the scenario's deadline; counts attempts by outcome.
     */
    static final class RetryingPublisher {
        private final ScenarioContext ctx;
        private final Switchboard board;
        private final long deadline;
        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger acknowledged = new AtomicInteger();
        private final AtomicInteger failedAttempts = new AtomicInteger();
        private final AtomicInteger indeterminateAttempts = new AtomicInteger();
        private final List<String> gaveUp = Collections.synchronizedList(new ArrayList<>());

        RetryingPublisher(ScenarioContext ctx, Switchboard board) {
            this.ctx = ctx;
            this.board = board;
            this.deadline = System.nanoTime() + ctx.timing().deadline(ctx.sizes().restartEvents()).toNanos();
        }

        void publish(Event<TckItem> event) {
            long backoff = 5;
            while (true) {
                attempts.incrementAndGet();
                Outcome outcome = ctx.ledger().publishAndWait(board, event).outcome();
                if (outcome == Outcome.OK) {
                    acknowledged.incrementAndGet();
                    return;
                }
                (outcome == Outcome.INDETERMINATE ? indeterminateAttempts : failedAttempts).incrementAndGet();
                if (System.nanoTime() > deadline) {
                    gaveUp.add(event.id());
                    return;
                }
                ScenarioContext.pause(backoff); // the retry's back-off, not a wait for something
                backoff = Math.min(backoff * 2, 100);
            }
        }

        int acknowledged() {
            return acknowledged.get();
        }

        int indeterminateAttempts() {
            return indeterminateAttempts.get();
        }

        long remainingNanos() {
            return Math.max(0, deadline - System.nanoTime());
        }

        void addFigures() {
            ctx.figure("publish attempts", attempts.get());
            ctx.figure("failed attempts", failedAttempts.get());
            ctx.figure("indeterminate attempts", indeterminateAttempts.get());
        }

        void requireAllAcknowledged() {
            if (!gaveUp.isEmpty()) {
                throw new AssertionError(gaveUp.size() + " event(s) were still not acknowledged at the deadline, "
                        + "retried all along: publishing did not recover after the broker came back, e.g. "
                        + gaveUp.subList(0, Math.min(5, gaveUp.size())));
            }
        }
    }

    private static boolean trySubscribe(Switchboard board, String group, String type, Ledger ledger) {
        try {
            board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
            return true;
        } catch (SwitchboardException e) {
            requireReason(e, "subscribing with the broker down", SwitchboardException.Reason.UNAVAILABLE);
            return false;
        }
    }

    /** Runs {@code start} on another thread; returns its failure, or null; fails if it does not return in time. */
    private static Throwable startWithin(Supplier<?> start, Duration limit) throws InterruptedException {
        CompletableFuture<Object> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                started.complete(start.get());
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "tck-x3-start");
        t.setDaemon(true);
        t.start();
        try {
            started.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("creating the publisher with the broker down neither failed fast nor returned "
                    + "within " + limit.toMillis() + " ms");
        }
    }

    private static void requireReason(Throwable failure, String what, SwitchboardException.Reason... allowed) {
        if (failure instanceof SwitchboardException se && List.of(allowed).contains(se.reason())) {
            return;
        }
        throw new AssertionError(what + " must fail with a SwitchboardException of reason " + List.of(allowed)
                + ", or succeed; it failed with " + failure, failure);
    }

    /** Every failed publish so far failed with a {@link SwitchboardException}. */
    private static void requireTypedFailures(Ledger ledger, String what) {
        for (Ledger.Published p : ledger.publishes()) {
            if (p.outcome() != Outcome.OK && !(p.failure() instanceof SwitchboardException)) {
                throw new AssertionError(what + " failed without a typed SwitchboardException: " + p.failure(),
                        p.failure());
            }
        }
    }

    /** In fault-free conditions every publish is acknowledged. */
    static void requireAllAcknowledged(Ledger ledger) {
        for (Ledger.Published p : ledger.publishes()) {
            if (p.outcome() != Outcome.OK) {
                throw new AssertionError("a publish failed without any fault injected: event " + p.eventId() + ": "
                        + p.failure(), p.failure());
            }
        }
    }

    private static boolean allDone(List<Future<?>> futures) {
        return futures.stream().allMatch(Future::isDone);
    }

    private static void rethrow(Future<?> f) throws Exception {
        try {
            f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
