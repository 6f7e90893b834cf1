package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.DeadLetter;
import io.switchboard.Event;
import io.switchboard.EventPattern;
import io.switchboard.EventType;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.spi.EventCodec;
import io.switchboard.spi.EventDriver;
import io.switchboard.spi.OutboundMessage;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Ledger.Outcome;
import io.switchboard.tck.internal.ObservedDriver;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Group V of the catalogue: bad input fails typed and sends nothing; bad bytes do not stop a consumer. */
public final class BadInputScenarios {

    /** The largest event the kit builds in memory, for the oversized headers of V2. */

    private BadInputScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("V1", "null or invalid events, types and headers fail with INVALID_EVENT; nothing is "
                        + "sent", BadInputScenarios::invalidInputIsRejected),
                Scenario.must("V2", "headers making the event too large fail with TOO_LARGE, never truncated",
                        BadInputScenarios::oversizedHeaders),
                Scenario.must("V3", "the longest and digit/dash-heavy types round-trip through exact and wildcard "
                        + "subscriptions", BadInputScenarios::unusualTypes),
                Scenario.must("V4", "valid JSON that is not an envelope is dead-lettered; the consumer keeps going",
                        BadInputScenarios::foreignJson),
                Scenario.must("V5", "data that does not fit the handler's type is dead-lettered as malformed, the "
                        + "handler never runs", BadInputScenarios::dataOfTheWrongShape));
    }

    /**
     * V1: {@code publish(null)}, null, blank and rule-breaking types (wildcards, upper case, one segment, empty
     * segment, underscore, space, one character too long) and null data fail on the returned future with
     * INVALID_EVENT, never by throwing; so do a null batch and a batch holding null. Envelopes with a null or empty
     * header key or a null header value cannot even be built: the builder throws INVALID_EVENT. Subscribing with a
     * null pattern, handler or data type throws INVALID_EVENT. Nothing reaches the driver (no send, batch or
     * subscription beyond the scenario's own) and nothing is delivered.
     */
    static void invalidInputIsRejected(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        ObservedDriver driver = ctx.driver(0);
        AtomicInteger deliveries = new AtomicInteger();
        board.subscribe(ctx.group("anything"), ctx.allTypes(), Object.class, e -> deliveries.incrementAndGet());
        String type = ctx.type("item.recorded");
        TckItem data = new TckItem("k1", 1, "x");
        List<String> problems = new ArrayList<>();

        Map<String, Supplier<CompletableFuture<?>>> publishes = new LinkedHashMap<>();
        publishes.put("publish(null)", () -> board.publish((Event<Object>) null));
        publishes.put("null data", () -> board.publish(type, null));
        Map<String, String> badTypes = new LinkedHashMap<>();
        badTypes.put("null type", null);
        badTypes.put("empty type", "");
        badTypes.put("blank type", "   ");
        badTypes.put("upper case", "Billing.Invoice.Issued");
        badTypes.put("one segment", "billing");
        badTypes.put("empty segment", "billing..issued");
        badTypes.put("trailing dot", "billing.invoice.");
        badTypes.put("underscore", "billing.invoice_issued");
        badTypes.put("space", "billing.invoice issued");
        badTypes.put("'*' wildcard", "billing.*.issued");
        badTypes.put("'>' wildcard", "billing.>");
        badTypes.put("slash", "billing/invoice.issued");
        badTypes.put("one character too long", longType(ctx.type("long"), EventType.MAX_LENGTH + 1));
        badTypes.forEach((name, bad) -> publishes.put(name, () -> board.publish(bad, data)));
        publishes.put("publishAll(null)", () -> board.publishAll(null));
        List<Event<?>> withNull = new ArrayList<>();
        withNull.add(Event.of(type, data));
        withNull.add(null);
        publishes.put("a batch holding null", () -> board.publishAll(withNull));
        publishes.forEach((name, publish) -> {
            String problem = rejection(ctx, name, publish, Set.of(Reason.INVALID_EVENT));
            if (problem != null) {
                problems.add(problem);
            }
        });

        Map<String, Runnable> builds = new LinkedHashMap<>();
        builds.put("a null header key", () -> Event.builder(type).header(null, "v").data(data).build());
        builds.put("an empty header key", () -> Event.builder(type).header("", "v").data(data).build());
        builds.put("a null header value", () -> Event.builder(type).header("k", null).data(data).build());
        builds.put("a header key over " + Event.MAX_ID_LENGTH + " characters", () -> Event.builder(type)
                .header("k".repeat(Event.MAX_ID_LENGTH + 1), "v").data(data).build());
        builds.put("a blank id", () -> Event.builder(type).id(" ").data(data).build());
        builds.put("a null type", () -> Event.builder((String) null).data(data).build());
        builds.put("null data", () -> Event.builder(type).data(null).build());
        builds.put("subscribe with a null pattern", () -> board.subscribe(ctx.group("bad"), null, TckItem.class,
                e -> { }));
        builds.put("subscribe with a null handler", () -> board.subscribe(ctx.group("bad"), type, TckItem.class,
                null));
        builds.put("subscribe with a null data type", () -> board.subscribe(ctx.group("bad"), type, null,
                e -> { }));
        builds.put("subscribe with '>' before the last segment", () -> board.subscribe(ctx.group("bad"),
                ctx.type("a.>.b"), TckItem.class, e -> { }));
        builds.forEach((name, build) -> {
            try {
                build.run();
                problems.add(name + ": accepted");
            } catch (SwitchboardException e) {
                if (e.reason() != Reason.INVALID_EVENT || e.getMessage() == null || e.getMessage().isBlank()) {
                    problems.add(name + ": failed with " + e.reason() + " '" + e.getMessage()
                            + "', expected INVALID_EVENT with a message");
                }
            } catch (RuntimeException e) {
                problems.add(name + ": threw " + e + ", expected an INVALID_EVENT SwitchboardException");
            }
        });

        ctx.quietWindow();
        if (driver.sends() != 0 || driver.batches() != 0 || driver.subscribes() != 1 || deliveries.get() != 0) {
            problems.add("invalid input reached the driver or a handler: " + driver.sends() + " send(s), "
                    + driver.batches() + " batch(es), " + (driver.subscribes() - 1) + " extra subscription(s), "
                    + deliveries.get() + " deliveries");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " invalid input(s) mishandled:\n " + String.join("\n ",
                    problems));
        }
        ctx.figure("invalid publishes", publishes.size());
        ctx.figure("invalid envelopes and subscriptions", builds.size());
    }

    /**
     * V2: a header value as long as {@code maxPayloadBytes}, and 64 headers that together exceed it, fail at
     * publish with TOO_LARGE naming the event and are neither sent nor delivered. Within the limit, a header of a
     * quarter of it and 100 small headers arrive exactly, not truncated or dropped. (Capabilities declare no
     * header count or size limit of their own; the encoded event's size is the limit.)
     */
    static void oversizedHeaders(ScenarioContext ctx) {
        int max = ctx.capabilities().maxPayloadBytes();
        if (max >= ScenarioContext.LARGEST_MATERIALIZED) {
            throw new InfrastructureMissing("the declared maxPayloadBytes (" + max + ") is beyond the "
                    + ScenarioContext.LARGEST_MATERIALIZED + " bytes the kit builds in memory");
        }
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.headed");
        String group = ctx.group("headed");
        Map<String, Event<TckItem>> received = new ConcurrentHashMap<>();
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1", (e, attempt) -> received.put(
                e.id(), e)));

        Event<TckItem> oneHuge = Ledger.event(type, "k1", 0).toBuilder().header("huge", "h".repeat(max)).build();
        Event.Builder<TckItem> many = Ledger.event(type, "k1", 1).toBuilder();
        for (int i = 0; i < 64; i++) {
            many.header("h" + i, "v".repeat(max / 64 + 1));
        }
        Event<TckItem> manyLarge = many.build();
        for (Event<TckItem> tooLarge : List.of(oneHuge, manyLarge)) {
            Ledger.Published p = ledger.publishAndWait(board, tooLarge);
            if (!(p.failure() instanceof SwitchboardException se) || se.reason() != Reason.TOO_LARGE
                    || !tooLarge.id().equals(se.eventId())) {
                throw new AssertionError("an event whose headers exceed maxPayloadBytes (" + max + ") "
                        + (p.outcome() == Outcome.OK ? "was accepted" : "failed with " + p.failure())
                        + "; expected TOO_LARGE naming the event");
            }
        }
        if (ctx.driver(0).sends() != 0) {
            throw new AssertionError("events refused as TOO_LARGE reached the driver (" + ctx.driver(0).sends()
                    + " send(s))");
        }

        Event<TckItem> quarter = Ledger.event(type, "k2", 2).toBuilder().header("quarter", "q".repeat(max / 4))
                .build();
        Event.Builder<TckItem> hundred = Ledger.event(type, "k3", 3).toBuilder();
        for (int i = 0; i < 100; i++) {
            hundred.header("header-" + i, "value " + i);
        }
        List<Event<TckItem>> fitting = List.of(quarter, hundred.build());
        List<Event<TckItem>> sent = new ArrayList<>();
        for (Event<TckItem> e : fitting) {
            Ledger.Published p = ledger.publishAndWait(board, e);
            if (p.outcome() != Outcome.OK) {
                throw new AssertionError("an event within maxPayloadBytes with " + e.headers().size()
                        + " header(s) failed: " + p.failure());
            }
            sent.add(e);
        }
        ctx.awaitHandled(group, fitting.size());
        ctx.quietWindow();
        for (Event<TckItem> e : sent) {
            Map<String, String> got = received.get(e.id()).headers();
            if (!got.equals(e.headers())) {
                throw new AssertionError("the headers of event " + e.id() + " changed in transit: sent "
                        + e.headers().size() + " header(s) of " + headerChars(e.headers()) + " characters, received "
                        + got.size() + " of " + headerChars(got));
            }
        }
        ctx.expectExactlyOnce(group, type); // the refused events are FAILED: any delivery would be unexpected
        ctx.figure("maxPayloadBytes", max);
    }

    private static int headerChars(Map<String, String> headers) {
        return headers.entrySet().stream().mapToInt(h -> h.getKey().length() + h.getValue().length()).sum();
    }

    /**
     * V3: types of exactly {@link EventType#MAX_LENGTH} characters and digit- and dash-heavy ones are published and
     * subscribed to with exact patterns, a {@code *} pattern per type, a trailing {@code >} and the scenario-wide
     * {@code >}. Each group receives exactly the events its pattern matches (as {@link EventPattern#matches}
     * defines it), once. A driver may refuse a type its broker cannot name only consistently: subscribing to it
     * and publishing it both fail with INVALID_EVENT. A type one character too long fails at publish.
     */
    static void unusualTypes(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        List<String> types = List.of(
                longType(ctx.type("long"), EventType.MAX_LENGTH),
                longType(ctx.type("0"), EventType.MAX_LENGTH),
                ctx.type("0.1-2.3"),
                ctx.type("123.456.789"),
                ctx.type("a-b-c-d-e-f.g-h-i-j"),
                ctx.type("9-9.0-0-0"),
                ctx.type("a.b.c.d.e.f.g.h"),
                ctx.type("x1-2y.3z-4"));
        for (String t : types) {
            if (!EventType.isValid(t)) {
                throw new IllegalStateException("the kit built an invalid type: " + t);
            }
        }
        Map<String, String> patterns = new LinkedHashMap<>(); // group -> pattern
        for (int i = 0; i < types.size(); i++) {
            String t = types.get(i);
            String[] segments = t.split("\\.");
            patterns.put(ctx.group("exact-" + i), t);
            segments[2] = "*";
            patterns.put(ctx.group("star-" + i), String.join(".", segments));
        }
        patterns.put(ctx.group("tail"), String.join(".", Arrays.copyOf(types.get(0).split("\\."), 3)) + ".>");
        patterns.put(ctx.group("all"), ctx.allTypes());

        Map<String, String> refused = new HashMap<>(); // pattern -> why
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            try {
                board.subscribe(p.getKey(), p.getValue(), TckItem.class, ledger.handler(p.getKey(), "c1"));
            } catch (SwitchboardException e) {
                if (e.reason() != Reason.INVALID_EVENT) {
                    throw new AssertionError("subscribing to " + p.getValue() + " failed with " + e);
                }
                refused.put(p.getValue(), e.getMessage());
            }
        }
        int perType = 3;
        List<String> problems = new ArrayList<>();
        for (String t : types) {
            for (int i = 0; i < perType; i++) {
                Ledger.Published p = ledger.publishAndWait(board, Ledger.event(t, "k" + i, i));
                boolean rejected = p.failure() instanceof SwitchboardException se
                        && se.reason() == Reason.INVALID_EVENT;
                if (p.outcome() != Outcome.OK && !rejected) {
                    problems.add("publishing " + t + " (" + t.length() + " chars) failed with " + p.failure());
                } else if (rejected != refused.containsKey(t)) {
                    problems.add("publish and subscribe disagree on " + t + " (" + t.length() + " chars): "
                            + (rejected ? "publish refused it (" + p.failure().getMessage() + ")"
                                    : "subscribe refused it (" + refused.get(t) + ")"));
                }
            }
        }
        String tooLong = longType(ctx.type("long"), EventType.MAX_LENGTH + 1);
        String tooLongProblem = rejection(ctx, "a type of " + tooLong.length() + " characters",
                () -> board.publish(tooLong, new TckItem("k", 0, "x")), Set.of(Reason.INVALID_EVENT));
        if (tooLongProblem != null) {
            problems.add(tooLongProblem);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n ", problems));
        }
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            if (refused.containsKey(p.getValue())) {
                continue;
            }
            EventPattern pattern = EventPattern.of(p.getValue());
            long owed = ledger.publishes(x -> pattern.matches(x.type()) && x.outcome() == Outcome.OK).size();
            ctx.awaitHandled(p.getKey(), (int) owed);
        }
        ctx.quietWindow();
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            if (!refused.containsKey(p.getValue())) {
                EventPattern pattern = EventPattern.of(p.getValue());
                ctx.expect(p.getKey(), x -> pattern.matches(x.type()), 0, false);
            }
        }
        ctx.figure("types", types.size());
        ctx.figure("subscriptions", patterns.size() - refused.size());
        ctx.figure("refused", refused.isEmpty() ? "none" : String.join(", ", refused.keySet()));
    }

    /** {@code prefix} extended with dot-separated digit-and-dash segments to exactly {@code length} characters. */
    private static String longType(String prefix, int length) {
        StringBuilder t = new StringBuilder(prefix);
        while (t.length() < length) {
            int room = length - t.length() - 1; // after the dot
            if (room < 1) { // one character left: lengthen the last segment instead of adding an empty one
                t.append('7');
                break;
            }
            StringBuilder segment = new StringBuilder();
            for (int i = 0; i < Math.min(room, 20); i++) {
                segment.append(i % 2 == 0 ? (char) ('0' + (i / 2) % 10) : '-');
            }
            if (segment.charAt(segment.length() - 1) == '-') {
                segment.setCharAt(segment.length() - 1, 'z');
            }
            t.append('.').append(segment);
        }
        return t.toString();
    }

    /**
     * V4: bytes that are valid JSON but not an envelope (objects without the required fields, wrong field types,
     * an invalid type, a bad timestamp, a duplicated field, arrays, scalars) are sent straight to the driver on a
     * subscribed type. None reaches the handler; each is dead-lettered once (the publisher's counter, and the
     * fixture's inspector with reason {@code malformed} and the bytes intact when it has one); the next valid event
     * is handled.
     */
    static void foreignJson(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("tolerant");
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        String valid = "\"id\":\"evt-v4\",\"type\":\"" + type + "\",\"timestamp\":\"2024-01-15T10:30:00Z\"";
        List<String> foreign = List.of(
                "{}",
                "{\"hello\":\"world\"}",
                "[]",
                "[{\"id\":\"evt-v4\"}]",
                "\"an envelope, honestly\"",
                "42",
                "null",
                "true",
                "{\"id\":\"evt-v4\",\"type\":\"" + type + "\"}",
                "{" + valid + "}",
                "{" + valid + ",\"data\":null}",
                "{\"id\":7,\"type\":\"" + type + "\",\"timestamp\":\"2024-01-15T10:30:00Z\",\"data\":{}}",
                "{\"id\":\"evt-v4\",\"type\":\"Not A Type\",\"timestamp\":\"2024-01-15T10:30:00Z\",\"data\":{}}",
                "{\"id\":\"evt-v4\",\"type\":\"" + type + "\",\"timestamp\":\"yesterday\",\"data\":{}}",
                "{" + valid + ",\"data\":{},\"data\":{}}",
                "{" + valid + ",\"headers\":{\"k\":1},\"data\":{}}");
        EventDriver driver = ctx.rawDriver();
        String prefix = "raw-" + Long.toHexString(ctx.random().nextLong()) + "-";
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < foreign.size(); i++) {
            sends.add(driver.send(new OutboundMessage(prefix + i, type, null,
                    foreign.get(i).getBytes(StandardCharsets.UTF_8), Map.of())));
        }
        ctx.await("the raw sends to complete", sends.size(), () -> sends.stream().allMatch(
                CompletableFuture::isDone));
        for (int i = 0; i < sends.size(); i++) {
            Throwable failure = ScenarioContext.failureOf(sends.get(i));
            if (failure != null) {
                throw new AssertionError("the driver refused raw bytes " + foreign.get(i) + ": " + failure,
                        failure);
            }
        }
        Ledger.Published next = ledger.publishAndWait(board, Ledger.event(type, "k1", 0));
        if (next.outcome() != Outcome.OK) {
            throw new AssertionError("the valid event after the foreign bytes failed to publish: " + next.failure());
        }
        ctx.awaitHandled(group, 1);
        ctx.await(foreign.size() + " foreign messages to be dead-lettered", foreign.size(),
                () -> board.metrics().deadLettered() >= foreign.size());
        ctx.quietWindow();
        long deadLettered = board.metrics().deadLettered();
        if (deadLettered != foreign.size()) {
            throw new AssertionError(foreign.size() + " foreign messages were dead-lettered " + deadLettered
                    + " time(s)");
        }
        ctx.expectExactlyOnce(group, type);
        Optional<DriverInspector> inspector = ctx.inspector();
        if (inspector.isPresent() && ctx.capabilities().deadLettering() != Capabilities.DeadLettering.NONE) {
            // Only this scenario's letters: a shared broker's dead-letter destination holds other runs' too.
            List<String> letters = inspector.get().deadLetters().stream()
                    .filter(d -> type.equals(d.get(DeadLetter.Keys.SOURCE)))
                    .filter(d -> "malformed".equals(d.get(DeadLetter.Keys.REASON)))
                    .map(d -> new String(d.payload(), StandardCharsets.UTF_8)).sorted().toList();
            List<String> expected = foreign.stream().sorted().toList();
            if (!letters.equals(expected)) {
                throw new AssertionError("the dead-letter destination holds " + letters.size() + " malformed "
                        + "letter(s), not the " + expected.size() + " foreign messages byte for byte: " + letters);
            }
            ctx.figure("checked in", "inspector and metrics");
        } else {
            ctx.figure("checked in", "metrics");
        }
        ctx.figure("foreign messages", foreign.size());
    }

    /**
     * V5: envelopes whose data cannot become the handler's type (a string where a number belongs, a number
     * beyond {@code long}, a plain string or an array for a record) are dead-lettered with reason {@code malformed}
     * without the handler running, and events that fit are handled alongside. Checked through the fixture's
     * inspector when it has one (and the driver dead-letters), and the publisher's counters always.
     */
    static void dataOfTheWrongShape(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        String type = ctx.type("item.recorded");
        String group = ctx.group("strict");
        board.subscribe(group, type, TckItem.class, ledger.handler(group, "c1"));
        List<Event<Object>> misfits = List.of(
                Event.builder(type).data((Object) Map.of("key", "k1", "seq", "not-a-number", "text", "x")).build(),
                Event.builder(type).data((Object) Map.of("key", "k1", "seq",
                        new BigInteger("99999999999999999999999"), "text", "x")).build(),
                Event.builder(type).data((Object) "a plain string").build(),
                Event.builder(type).data((Object) List.of(1, 2, 3)).build());
        for (Event<Object> misfit : misfits) {
            CompletableFuture<Event<Object>> f = board.publish(misfit);
            ctx.await("a publish to complete", 1, f::isDone);
            Throwable failure = ScenarioContext.failureOf(f);
            if (failure != null) {
                throw new AssertionError("publishing an envelope with data " + misfit.data() + " failed: "
                        + failure, failure);
            }
        }
        int fits = 3;
        for (int i = 0; i < fits; i++) {
            ledger.publish(board, Ledger.event(type, "k" + i, i));
        }
        ctx.awaitPublishes();
        ctx.awaitHandled(group, fits);
        ctx.await(misfits.size() + " misfits to be dead-lettered", misfits.size(),
                () -> board.metrics().deadLettered() >= misfits.size());
        ctx.quietWindow();

        List<String> problems = new ArrayList<>();
        for (Event<Object> misfit : misfits) {
            if (!ledger.attempts(misfit.id(), group).isEmpty()) {
                problems.add("the handler ran for misfit " + misfit.id() + " (data " + misfit.data() + ")");
            }
        }
        if (board.metrics().deadLettered() != misfits.size() || board.metrics().handled() != fits
                || board.metrics().handlerFailures() != 0) {
            problems.add("metrics " + board.metrics() + ": expected " + misfits.size() + " dead-lettered, " + fits
                    + " handled, no handler failure");
        }
        Optional<DriverInspector> inspector = ctx.inspector();
        boolean inspected = inspector.isPresent()
                && ctx.capabilities().deadLettering() != Capabilities.DeadLettering.NONE;
        if (inspected) {
            EventCodec codec = EventCodec.load();
            // Only this scenario's letters: a shared broker's dead-letter destination holds other runs' too.
            List<DeadLetter> letters = inspector.get().deadLetters().stream()
                    .filter(d -> type.equals(d.get(DeadLetter.Keys.SOURCE))).toList();
            for (Event<Object> misfit : misfits) {
                List<DeadLetter> mine = letters.stream()
                        .filter(d -> misfit.id().equals(codec.decode(d.payload(), Object.class).id())).toList();
                if (mine.size() != 1 || !"malformed".equals(mine.get(0).get(DeadLetter.Keys.REASON))) {
                    problems.add("misfit " + misfit.id() + " has " + mine.size() + " dead letter(s) "
                            + mine + ", expected 1 with reason malformed");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n ", problems));
        }
        ctx.expectExactlyOnce(group, type);
        ctx.figure("misfits", misfits.size());
        ctx.figure("checked in", inspected ? "inspector and metrics" : "metrics");
    }

    /**
     * {@code null} if {@code publish} failed, on its future, with one of {@code reasons}; otherwise what went
     * wrong. A publish that throws instead breaks the contract's single failure channel.
     */
    private static String rejection(ScenarioContext ctx, String name, Supplier<CompletableFuture<?>> publish,
            Set<Reason> reasons) {
        CompletableFuture<?> f;
        try {
            f = publish.get();
        } catch (RuntimeException thrown) {
            return name + ": publish threw " + thrown + " instead of failing its future";
        }
        if (f == null) {
            return name + ": publish returned no future";
        }
        ctx.await(name + " to complete", 1, f::isDone);
        Throwable failure = ScenarioContext.failureOf(f);
        if (failure == null) {
            return name + ": accepted";
        }
        if (!(failure instanceof SwitchboardException se) || !reasons.contains(se.reason())
                || se.getMessage() == null || se.getMessage().isBlank()) {
            return name + ": failed with " + failure + ", expected " + reasons + " with a message";
        }
        return null;
    }

}
