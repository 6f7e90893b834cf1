package io.switchboard.tck.scenarios;

import io.switchboard.Event;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.tck.Profile;
import io.switchboard.tck.internal.Gates;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.ObservedDriver;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/** Group B of the catalogue: {@code publishAll}. */
public final class BatchScenarios {

    /** The largest event the kit builds in memory, for the oversized entry of B2. */
    /** In the smoke profile, batch sizes derived from {@code maxBatchSize} are capped here. */
    private static final int SMOKE_BATCH_CAP = 100;

    private BatchScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("B1", "publishAll of 1, maxBatchSize and 3 x maxBatchSize + 1 events delivers all, "
                        + "once", BatchScenarios::batchesDeliverEverything).when(Gates.BATCH),
                Scenario.must("B2", "a batch with an invalid entry sends nothing and names the entry",
                        BatchScenarios::invalidEntrySendsNothing).when(Gates.BATCH),
                Scenario.notVerified("B3", Scenario.Level.SHOULD, "batch consume: only the failing entry of a "
                        + "batch is redelivered or dead-lettered", "batch consumption is not in the API: handlers "
                        + "get one event at a time (EventHandler) and there is no batch handler or batch "
                        + "acknowledgement whose single entry could fail"),
                Scenario.must("B4", "an empty batch succeeds at once without touching the driver",
                        BatchScenarios::emptyBatch));
    }

    /**
     * B1: three batches, of 1, {@code maxBatchSize} and {@code 3 × maxBatchSize + 1} events (the last one is sent
     * as several parts). In the smoke profile the sizes derived from {@code maxBatchSize} are capped at 100; the
     * sizes actually used are in the figures. Each batch succeeds, yields its events in order, and every event is
     * handled exactly once.
     */
    static void batchesDeliverEverything(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.batched");
        String group = ctx.group("batched");
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        int max = ctx.capabilities().maxBatchSize();
        long cap = ctx.profile() == Profile.SMOKE ? SMOKE_BATCH_CAP : Integer.MAX_VALUE;
        int[] sizes = {1, (int) Math.min(max, cap), (int) Math.min(3L * max + 1, cap)};
        int seq = 0;
        for (int size : sizes) {
            List<Event<TckItem>> batch = new ArrayList<>();
            for (int i = 0; i < size; i++, seq++) {
                batch.add(Ledger.event(type, "k" + (seq % 8), seq));
            }
            CompletableFuture<List<Event<?>>> result = ledger.publishAll(board, batch);
            ctx.await("a batch of " + size + " to complete", size, result::isDone);
            List<Event<?>> sent;
            try {
                sent = result.join();
            } catch (CompletionException e) {
                throw new AssertionError("a batch of " + size + " events failed: " + e.getCause(), e.getCause());
            }
            List<String> expectedIds = batch.stream().map(Event::id).toList();
            List<String> sentIds = sent.stream().map(Event::id).toList();
            if (!expectedIds.equals(sentIds)) {
                throw new AssertionError("publishAll of " + size + " events yielded " + sentIds.size()
                        + " events, or not in order: expected " + abbreviate(expectedIds) + ", got "
                        + abbreviate(sentIds));
            }
        }
        ctx.awaitHandled(group, seq);
        ctx.quietWindow();
        ctx.expectExactlyOnce(group, type);
        ctx.figure("maxBatchSize", max);
        ctx.figure("batch sizes", java.util.Arrays.stream(sizes).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ")));
    }

    private static String abbreviate(List<String> ids) {
        return ids.size() <= 4 ? ids.toString() : ids.subList(0, 2) + "...(" + ids.size() + ")";
    }

    /**
     * B2: batches with one oversized entry, with one unserializable entry, and with both. Each fails with the
     * first bad entry's reason and a message naming its index, every bad entry is reported as a suppressed
     * exception naming its event, nothing reaches the driver ({@link ObservedDriver} counts no send and no batch)
     * and nothing is delivered. Valid entries in a batch of their own then go through.
     *
     * <p>The core validates and encodes the whole batch before calling the driver, whatever the declared batch
     * mode: an invalid entry means nothing is sent, under PARTIAL_WITH_REPORT too. That mode's per-entry report
     * concerns entries the broker refuses, which the kit cannot inject yet.
     */
    static void invalidEntrySendsNothing(ScenarioContext ctx) {
        int maxPayload = ctx.capabilities().maxPayloadBytes();
        if (maxPayload >= ScenarioContext.LARGEST_MATERIALIZED) {
            throw new InfrastructureMissing("the declared maxPayloadBytes (" + maxPayload + ") is beyond the "
                    + ScenarioContext.LARGEST_MATERIALIZED + " bytes the kit builds in memory for the oversized entry");
        }
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.batched");
        String group = ctx.group("batched");
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        ObservedDriver driver = ctx.driver(0);
        String oversizedText = "x".repeat(maxPayload);
        int seq = 0;
        Map<Integer, Reason> both = new LinkedHashMap<>();
        both.put(1, Reason.TOO_LARGE);
        both.put(3, Reason.UNSERIALIZABLE);
        List<Map<Integer, Reason>> refusals = List.of(Map.of(2, Reason.TOO_LARGE),
                Map.of(4, Reason.UNSERIALIZABLE), both);
        for (Map<Integer, Reason> expected : refusals) {
            List<Event<TckItem>> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++, seq++) {
                Event<TckItem> e = Ledger.event(type, "k" + (seq % 4), seq);
                if (expected.get(i) == Reason.TOO_LARGE) {
                    e = e.toBuilder().data(new TckItem(e.data().key(), seq, oversizedText)).build();
                } else if (expected.get(i) == Reason.UNSERIALIZABLE) {
                    e = e.toBuilder().extension("unwritable", new Object()).build();
                }
                batch.add(e);
            }
            CompletableFuture<List<Event<?>>> result = ledger.publishAll(board, batch);
            ctx.await("the batch to complete", batch.size(), result::isDone);
            Throwable failure = ScenarioContext.failureOf(result);
            int first = expected.keySet().iterator().next();
            if (!(failure instanceof SwitchboardException se) || se.reason() != expected.get(first)
                    || !String.valueOf(se.getMessage()).contains("index " + first)) {
                throw new AssertionError("a batch with invalid entries at " + expected + " "
                        + (failure == null ? "succeeded" : "failed with " + failure) + "; expected "
                        + expected.get(first) + " naming index " + first);
            }
            for (Map.Entry<Integer, Reason> entry : expected.entrySet()) {
                String id = batch.get(entry.getKey()).id();
                boolean reported = false;
                for (Throwable s : failure.getSuppressed()) {
                    reported |= s instanceof SwitchboardException entryFailure && entryFailure.reason() == entry
                            .getValue() && id.equals(entryFailure.eventId());
                }
                if (!reported) {
                    throw new AssertionError("the batch failure does not report the " + entry.getValue()
                            + " entry at index " + entry.getKey() + " (event " + id + ") among its suppressed "
                            + "exceptions: " + java.util.Arrays.toString(failure.getSuppressed()));
                }
            }
        }
        if (driver.sends() != 0 || driver.batches() != 0) {
            throw new AssertionError("batches with invalid entries reached the driver: " + driver.sends()
                    + " send(s), " + driver.batches() + " batch(es)");
        }
        List<Event<TckItem>> valid = new ArrayList<>();
        for (int i = 0; i < 4; i++, seq++) {
            valid.add(Ledger.event(type, "k" + (seq % 4), seq));
        }
        CompletableFuture<List<Event<?>>> result = ledger.publishAll(board, valid);
        ctx.await("the valid batch to complete", valid.size(), result::isDone);
        Throwable failure = ScenarioContext.failureOf(result);
        if (failure != null) {
            throw new AssertionError("a batch of valid entries failed: " + failure, failure);
        }
        ctx.awaitHandled(group, valid.size());
        ctx.quietWindow();
        ctx.expectExactlyOnce(group, type); // the refused entries are FAILED: any delivery would be unexpected
        ctx.figure("refused batches", refusals.size());
    }

    /** B4: {@code publishAll(List.of())} is complete on return, yields an empty list and calls no driver method. */
    static void emptyBatch(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        ObservedDriver driver = ctx.driver(0);
        CompletableFuture<List<Event<?>>> result = board.publishAll(List.of());
        if (!result.isDone()) {
            throw new AssertionError("publishAll of an empty list is not complete on return");
        }
        Throwable failure = ScenarioContext.failureOf(result);
        if (failure != null) {
            throw new AssertionError("publishAll of an empty list failed: " + failure, failure);
        }
        if (result.join() == null || !result.join().isEmpty()) {
            throw new AssertionError("publishAll of an empty list yielded " + result.join());
        }
        if (driver.sends() != 0 || driver.batches() != 0) {
            throw new AssertionError("an empty batch reached the driver: " + driver.sends() + " send(s), "
                    + driver.batches() + " batch(es)");
        }
    }

}
