package io.switchboard.tck.scenarios;

import io.switchboard.Capabilities;
import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.spi.EventCodec;
import io.switchboard.tck.internal.InfrastructureMissing;
import io.switchboard.tck.internal.Ledger;
import io.switchboard.tck.internal.Scenario;
import io.switchboard.tck.internal.ScenarioContext;
import io.switchboard.tck.internal.TckItem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** Group F of the catalogue: what is published is what is delivered, field for field. */
public final class FidelityScenarios {

    /** The largest event the kit builds in memory; a driver declaring more is checked up to here only. */

    private FidelityScenarios() {
    }

    public static List<Scenario> scenarios() {
        return List.of(
                Scenario.must("F1", "every envelope field survives the round trip", FidelityScenarios::everyField),
                Scenario.must("F2", "weird strings, binary and empty data round-trip exactly or are rejected at "
                        + "publish, never altered", FidelityScenarios::weirdStrings),
                Scenario.must("F3", "a canonical corpus of events round-trips; known exceptions are declared",
                        FidelityScenarios::canonicalCorpus),
                Scenario.must("F4", "events of one type never reach another type's subscribers (20 types)",
                        FidelityScenarios::topicIsolation),
                Scenario.must("F5", "traceparent and correlation propagate into events published by a handler; "
                        + "no bookkeeping leaks", FidelityScenarios::traceAndCorrelation),
                Scenario.must("F6", "an event of exactly maxPayloadBytes is delivered; one byte more fails with "
                        + "TOO_LARGE, unsent", FidelityScenarios::payloadLimit));
    }

    /** F1: id, type, source, time with fractional seconds, key, data, correlation and every header, exactly. */
    static void everyField(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.recorded");
        String group = ctx.group("fidelity");
        Map<String, Event<Map<String, Object>>> received = new ConcurrentHashMap<>();
        board.subscribe(group, type, castMap(), e -> received.put(e.id(), e));
        int n = ctx.sizes().fidelity();
        List<Event<Map<String, Object>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event<Map<String, Object>> e = Event.builder(type)
                    .timestamp(Instant.ofEpochSecond(1_700_000_000L + i, 123_456_789L - i))
                    .aggregate("Item", "item-" + (i % 7), i)
                    .correlationId("corr-" + i)
                    .causationId(i % 2 == 0 ? null : "cause-" + i)
                    .source("tck")
                    .schemaVersion(i % 3 + 1)
                    .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0" + (i % 2))
                    .header("tenant", "tenant-" + (i % 4))
                    .<Map<String, Object>>data(Map.of("n", i, "text", "value " + i, "nested",
                            Map.of("list", List.of(1, 2, 3), "flag", i % 2 == 0)))
                    .build();
            sent.add(e);
            board.publish(e).join();
        }
        ctx.await(n + " events received", n, () -> received.size() >= n);
        for (Event<Map<String, Object>> e : sent) {
            Event<Map<String, Object>> r = received.get(e.id());
            if (!e.equals(r)) {
                throw new AssertionError("event " + e.id() + " changed in transit:\n sent     " + e
                        + "\n received " + r);
            }
        }
        ctx.figure("events", n);
    }

    /** One F2 case: an event and the reasons it may be rejected with at publish instead of round-tripping. */
    private record Weird(String name, Event<?> event, Set<Reason> rejections) {
    }

    /**
     * F2: unicode (including astral and combining characters and a lone surrogate), every ASCII character 0–127,
     * slashes, {@code ../}, quotes, spaces and leading digits, in header keys and values and in the envelope's
     * string fields; non-UTF-8 binary data as {@code byte[]}; empty data. Each event either arrives exactly as sent
     * or is rejected at publish with INVALID_EVENT or TOO_LARGE (a lone surrogate, not being Unicode text, may also
     * be UNSERIALIZABLE); a rejected event is never delivered.
     */
    static void weirdStrings(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String textType = ctx.type("weird.text");
        String binaryType = ctx.type("weird.binary");
        String group = ctx.group("weird");
        Map<String, Event<?>> received = new ConcurrentHashMap<>();
        board.subscribe(group, textType, String.class, e -> received.put(e.id(), e));
        board.subscribe(group, binaryType, byte[].class, e -> received.put(e.id(), e));

        Set<Reason> rejectable = Set.of(Reason.INVALID_EVENT, Reason.TOO_LARGE);
        StringBuilder ascii = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            ascii.append(c);
        }
        String unicode = "héllo wörld — 日本語 한국어 עברית العربية e\u0301 🎉 \uD83D\uDC69\u200D\uD83D\uDCBB"
                + " \uFEFF\u200B\u2028\u2029";
        List<Weird> cases = new ArrayList<>();
        cases.add(new Weird("unicode", Event.builder(textType).header("u", unicode).header("ключ-日本-🎉", "v")
                .aggregateId(unicode).source(unicode).data(unicode).build(), rejectable));
        cases.add(new Weird("ascii 0-127", Event.builder(textType).header("all", ascii.toString())
                .header(ascii.toString(), "all").aggregateId(ascii.toString()).data(ascii.toString()).build(),
                rejectable));
        for (char c = 0; c < 128; c++) {
            cases.add(new Weird("ascii " + (int) c + " in a header key and value", Event.builder(textType)
                    .header("k" + c + "k", c + "v" + c).data("char " + (int) c).build(), rejectable));
        }
        cases.add(new Weird("slashes", Event.builder(textType).header("a/b", "/x/y/").header("/", "//")
                .aggregateId("a/b/c").source("/src/x").data("a/b").build(), rejectable));
        cases.add(new Weird("dot-dot", Event.builder(textType).header("../k", "../../etc/passwd")
                .aggregateId("../agg").source("..").data("../").build(), rejectable));
        cases.add(new Weird("quotes", Event.builder(textType).header("q\"k'`", "\"'`\\")
                .aggregateId("\"quoted\"").data("\"'`\\").build(), rejectable));
        cases.add(new Weird("spaces", Event.builder(textType).header(" k e y ", "  leading and trailing  ")
                .header(" ", " ").aggregateId(" agg ").data("  ").build(), rejectable));
        cases.add(new Weird("leading digits", Event.builder(textType).header("1key", "123value")
                .header("007", "0").aggregateId("1-agg").data("0").build(), rejectable));
        cases.add(new Weird("empty header value", Event.builder(textType).header("empty", "").data("x").build(),
                rejectable));
        cases.add(new Weird("weird ids", Event.builder(textType)
                .id("id/../\"' ü🎉-" + Long.toHexString(ctx.random().nextLong()))
                .correlationId("corr/../\"' ü🎉").causationId(" cause\t\u0000").data("ids").build(), rejectable));
        cases.add(new Weird("lone surrogate", Event.builder(textType).header("s", "\uD800x").data("x\uDC00")
                .build(), Set.of(Reason.INVALID_EVENT, Reason.TOO_LARGE, Reason.UNSERIALIZABLE)));
        cases.add(new Weird("empty string data", Event.builder(textType).data("").build(), rejectable));
        byte[] everyByte = new byte[256];
        for (int b = 0; b < 256; b++) {
            everyByte[b] = (byte) b;
        }
        byte[] randomBytes = new byte[1024];
        ctx.random().nextBytes(randomBytes);
        cases.add(new Weird("every byte value", Event.builder(binaryType).data(everyByte).build(), rejectable));
        cases.add(new Weird("invalid UTF-8", Event.builder(binaryType)
                .data(new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0,
                        (byte) 0x80, 0x00})
                .build(), rejectable));
        cases.add(new Weird("random bytes", Event.builder(binaryType).data(randomBytes).build(), rejectable));
        cases.add(new Weird("empty binary data", Event.builder(binaryType).data(new byte[0]).build(), rejectable));

        List<CompletableFuture<? extends Event<?>>> futures = new ArrayList<>();
        for (Weird c : cases) {
            futures.add(board.publish(c.event()));
        }
        ctx.await("every publish to complete", cases.size(), () -> futures.stream().allMatch(
                CompletableFuture::isDone));
        List<String> problems = new ArrayList<>();
        Map<String, Event<?>> accepted = new LinkedHashMap<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            Weird c = cases.get(i);
            Throwable failure = ScenarioContext.failureOf(futures.get(i));
            if (failure == null) {
                accepted.put(c.name(), futures.get(i).join());
            } else if (failure instanceof SwitchboardException se && c.rejections().contains(se.reason())) {
                rejected.put(c.name(), c.event().id());
            } else {
                problems.add(c.name() + ": publish failed with " + failure + ", expected success or one of "
                        + c.rejections());
            }
        }
        awaitOrReport(ctx, accepted.size() + " accepted events to arrive", accepted.size(), () -> accepted.values()
                .stream().allMatch(e -> received.containsKey(e.id())));
        ctx.quietWindow();
        accepted.forEach((name, sent) -> {
            List<String> changed = differences(sent, received.get(sent.id()));
            if (!changed.isEmpty()) {
                problems.add(name + ": " + String.join("; ", changed));
            }
        });
        rejected.forEach((name, id) -> {
            if (received.containsKey(id)) {
                problems.add(name + ": rejected at publish, yet delivered");
            }
        });
        Set<String> known = new java.util.HashSet<>(rejected.values());
        accepted.values().forEach(e -> known.add(e.id()));
        received.keySet().stream().filter(id -> !known.contains(id)).forEach(id -> problems.add(
                "an event arrived under an id that was never sent (an altered id?): " + show(id)));
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " weird case(s) altered or mishandled:\n "
                    + String.join("\n ", problems));
        }
        ctx.figure("cases", cases.size());
        ctx.figure("round-tripped", accepted.size());
        ctx.figure("rejected", rejected.isEmpty() ? "none" : String.join(", ", rejected.keySet()));
    }

    /** One F3 case: its event, the data type it is read as, and the declared result when it is not the same. */
    private record Corpus(String name, Class<?> dataType, Event<?> event, UnaryOperator<Event<?>> declared,
            String declaration) {

        static Corpus exact(String name, Class<?> dataType, Event<?> event) {
            return new Corpus(name, dataType, event, UnaryOperator.identity(), null);
        }
    }

    /**
     * F3: each case of the corpus has its own type and is read as its own data type; every one arrives exactly as
     * published. The known non-round-trippable cases of the JSON envelope are declared with what arrives instead
     * (binary extension values come back as their base64 text, untyped decimals as {@link BigDecimal}), and that
     * declared result is checked exactly too.
     */
    static void canonicalCorpus(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        List<Corpus> corpus = corpus(ctx);
        Map<String, Event<?>> received = new ConcurrentHashMap<>();
        for (Corpus c : corpus) {
            subscribe(board, ctx.group("corpus-" + c.name()), ctx.type("corpus." + c.name()), c.dataType(),
                    received);
        }
        List<CompletableFuture<? extends Event<?>>> futures = new ArrayList<>();
        for (Corpus c : corpus) {
            futures.add(board.publish(c.event()));
        }
        ctx.await("every publish to complete", corpus.size(), () -> futures.stream().allMatch(
                CompletableFuture::isDone));
        List<String> problems = new ArrayList<>();
        List<Event<?>> sent = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            Throwable failure = ScenarioContext.failureOf(futures.get(i));
            if (failure != null) {
                problems.add(corpus.get(i).name() + ": publish failed with " + failure);
                sent.add(null);
            } else {
                sent.add(futures.get(i).join());
            }
        }
        awaitOrReport(ctx, "the corpus to arrive", corpus.size(), () -> sent.stream().allMatch(
                e -> e == null || received.containsKey(e.id())));
        for (int i = 0; i < corpus.size(); i++) {
            Corpus c = corpus.get(i);
            if (sent.get(i) == null) {
                continue;
            }
            Event<?> expected = c.declared().apply(sent.get(i));
            List<String> changed = differences(expected, received.get(expected.id()));
            if (!changed.isEmpty()) {
                problems.add(c.name() + (c.declaration() == null ? "" : " (declared: " + c.declaration() + ")")
                        + ": " + String.join("; ", changed));
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " corpus case(s) did not round-trip:\n "
                    + String.join("\n ", problems));
        }
        ctx.figure("cases", corpus.size());
        ctx.figure("declared exceptions", corpus.stream().filter(c -> c.declaration() != null).count());
    }

    private static List<Corpus> corpus(ScenarioContext ctx) {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("string", "text");
        nested.put("int", 15000);
        nested.put("long", 9_007_199_254_740_993L);
        nested.put("big", new BigInteger("123456789012345678901234567890"));
        nested.put("decimal", new BigDecimal("12.50"));
        nested.put("negative", new BigDecimal("-0.001"));
        nested.put("flag", false);
        nested.put("nothing", null);
        nested.put("list", List.of(1, "two", List.of(3), Map.of("four", 4)));
        nested.put("empty list", List.of());
        nested.put("empty map", Map.of());
        nested.put("ünïcode kéy", "värde");
        nested.put("deep", Map.of("a", Map.of("b", Map.of("c", List.of(Map.of("d", "e"))))));
        byte[] bytes = new byte[256];
        for (int b = 0; b < bytes.length; b++) {
            bytes[b] = (byte) b;
        }
        Map<String, Object> invoice = Map.of("invoiceNumber", "INV-2024-0001", "amount", 15000, "currency", "EUR");

        List<Corpus> cases = new ArrayList<>();
        cases.add(Corpus.exact("minimal", Map.class, Event.of(ctx.type("corpus.minimal"), Map.of())));
        cases.add(Corpus.exact("envelope", Map.class, Event.builder(ctx.type("corpus.envelope"))
                .timestamp(Instant.parse("2024-01-15T10:30:00.123456789Z"))
                .aggregate("Invoice", "inv_01HXYZ456", 1).correlationId("corr_01HXYZ789")
                .causationId("evt_01HXYZ000").source("billing-service").schemaVersion(2)
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .header("tenant", "acme").data(invoice).build()));
        cases.add(Corpus.exact("version-bounds", Map.class, Event.builder(ctx.type("corpus.version-bounds"))
                .aggregate("Counter", "c-1", Long.MAX_VALUE).schemaVersion(Integer.MAX_VALUE).data(Map.of())
                .build()));
        cases.add(Corpus.exact("nested-json", Map.class, Event.builder(ctx.type("corpus.nested-json"))
                .data(nested).build()));
        cases.add(Corpus.exact("xml", String.class, Event.builder(ctx.type("corpus.xml"))
                .data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<invoice id=\"INV-1\"><amount currency=\"EUR\">"
                        + "150.00</amount><note><![CDATA[a < b & \"c\"]]></note>&amp;&#233;</invoice>")
                .build()));
        cases.add(Corpus.exact("text", String.class, Event.builder(ctx.type("corpus.text"))
                .data("line one\nline two\r\n\ttabbed — ünïcode\n").build()));
        cases.add(Corpus.exact("string-value", Object.class, Event.builder(ctx.type("corpus.string-value"))
                .data("just a string").build()));
        cases.add(Corpus.exact("integer-value", Object.class, Event.builder(ctx.type("corpus.integer-value"))
                .data(42).build()));
        cases.add(Corpus.exact("long-value", Object.class, Event.builder(ctx.type("corpus.long-value"))
                .data(Long.MIN_VALUE).build()));
        cases.add(Corpus.exact("decimal-value", Object.class, Event.builder(ctx.type("corpus.decimal-value"))
                .data(new BigDecimal("3.14159265358979323846264338327950288419")).build()));
        cases.add(Corpus.exact("double-value", Double.class, Event.builder(ctx.type("corpus.double-value"))
                .data(0.1d).build()));
        cases.add(Corpus.exact("boolean-value", Object.class, Event.builder(ctx.type("corpus.boolean-value"))
                .data(true).build()));
        cases.add(Corpus.exact("list-value", Object.class, Event.builder(ctx.type("corpus.list-value"))
                .data(List.of(1, "two", List.of(new BigDecimal("3.5")))).build()));
        cases.add(Corpus.exact("binary-value", byte[].class, Event.builder(ctx.type("corpus.binary-value"))
                .data(bytes).build()));
        cases.add(Corpus.exact("record-value", TckItem.class, Event.builder(ctx.type("corpus.record-value"))
                .data(new TckItem("k1", 7, "text")).build()));
        cases.add(Corpus.exact("extensions", Map.class, Event.builder(ctx.type("corpus.extensions"))
                .extension("subject", "inv-1").extension("dataschema", "https://example.com/schemas/v1")
                .extension("x-count", 42).extension("x-amount", new BigDecimal("12.50"))
                .extension("x-flag", true).extension("x-nothing", null)
                .extension("x-nested", Map.of("a", List.of(1, 2))).extension("x-list", List.of("a", "b"))
                .data(Map.of()).build()));
        cases.add(new Corpus("binary-extension", Map.class, Event.builder(ctx.type("corpus.binary-extension"))
                .extension("x-bytes", bytes).data(Map.of()).build(),
                e -> e.toBuilder().extension("x-bytes", Base64.getEncoder().encodeToString(bytes)).build(),
                "an unknown field cannot say it held bytes: it comes back as their base64 text"));
        cases.add(new Corpus("double-extension", Map.class, Event.builder(ctx.type("corpus.double-extension"))
                .extension("x-ratio", 0.1d).data(Map.of()).build(),
                e -> e.toBuilder().extension("x-ratio", new BigDecimal("0.1")).build(),
                "untyped decimals are read as BigDecimal, so that 12.50 stays 12.50"));
        cases.add(new Corpus("untyped-double", Object.class, Event.builder(ctx.type("corpus.untyped-double"))
                .data(0.1d).build(),
                e -> e.toBuilder().data(new BigDecimal("0.1")).build(),
                "untyped decimals are read as BigDecimal; read as Double they round-trip (double-value)"));
        return cases;
    }

    private static <T> void subscribe(Switchboard board, String group, String type, Class<T> dataType,
            Map<String, Event<?>> received) {
        board.subscribe(group, type, dataType, e -> received.put(e.id(), e));
    }

    /**
     * F4: 20 types subscribed at once, each by its own group with an exact pattern, among them names that collide
     * when a driver maps types to destination names carelessly: {@code a-b} / {@code a.b} swapped ({@code .} and
     * {@code -} both becoming {@code -}), prefixes ({@code t1} / {@code t10}) and a deeper type
     * ({@code t1.x}). Each group gets exactly its own type's events.
     */
    static void topicIsolation(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        Ledger ledger = ctx.ledger();
        List<String> names = new ArrayList<>(List.of("iso.a-b", "iso-a.b", "iso.t1", "iso.t10", "iso.t1.x",
                "iso.t1-x", "iso-t1.x", "iso.t1.x.y"));
        int topics = Math.max(20, ctx.sizes().topics());
        for (int i = names.size(); i < topics; i++) {
            names.add("iso.t" + (100 + i));
        }
        List<String> types = names.stream().map(ctx::type).toList();
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            String group = ctx.group("iso-" + i);
            groups.add(group);
            board.subscribe(group, types.get(i), TckItem.class, ledger.handler(group, "c1"));
        }
        int perType = ctx.sizes().perTopic();
        for (int round = 0; round < perType; round++) {
            for (String type : types) {
                ledger.publish(board, Ledger.event(type, "k" + (round % 4), round));
            }
        }
        ctx.awaitPublishes();
        for (String group : groups) {
            ctx.awaitHandled(group, perType);
        }
        ctx.quietWindow();
        for (int i = 0; i < types.size(); i++) {
            ctx.expectExactlyOnce(groups.get(i), types.get(i));
        }
        ctx.figure("types", types.size());
        ctx.figure("events per type", perType);
    }

    /**
     * F5: an order event (correlation id, {@code traceparent}, other headers) is handled, on a redelivery when the
     * driver redelivers, and the handler publishes a request; the request's handler publishes an issued event. Both
     * inherit the order's correlation id and {@code traceparent}, their causation ids are their cause's id, and
     * their headers are exactly the propagated {@code traceparent}: no other header and no driver bookkeeping
     * (attempt counts, offsets). The event the handler sees is the order exactly as sent. Ids and headers the
     * handler sets itself are kept.
     */
    static void traceAndCorrelation(ScenarioContext ctx) {
        Switchboard board = ctx.switchboard();
        String orderType = ctx.type("order.placed");
        String requestType = ctx.type("invoice.requested");
        String issuedType = ctx.type("invoice.issued");
        String auditType = ctx.type("audit.recorded");
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String otherTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        boolean redelivers = ctx.capabilities().delivery() == Capabilities.Delivery.AT_LEAST_ONCE;
        Map<String, Event<Map<String, Object>>> seen = new ConcurrentHashMap<>();
        List<CompletableFuture<?>> fromHandlers = new CopyOnWriteArrayList<>();
        board.subscribe(ctx.group("orders"), orderType, castMap(), e -> {
            int attempt = DeliveryContext.current().map(DeliveryContext::attempt).orElse(0);
            if (redelivers && attempt == 1) {
                throw new IllegalStateException("planned failure: the republish happens on the redelivery");
            }
            seen.put(orderType, e);
            fromHandlers.add(board.publish(requestType, Map.of("order", e.id())));
            fromHandlers.add(board.publish(Event.builder(auditType).correlationId("explicit-correlation")
                    .causationId("explicit-cause").header("traceparent", otherTrace).header("tenant", "other")
                    .data(Map.of("order", e.id())).build()));
        });
        board.subscribe(ctx.group("requests"), requestType, castMap(), e -> {
            seen.put(requestType, e);
            fromHandlers.add(board.publish(issuedType, Map.of("request", e.id())));
        });
        board.subscribe(ctx.group("issued"), issuedType, castMap(), e -> seen.put(issuedType, e));
        board.subscribe(ctx.group("audit"), auditType, castMap(), e -> seen.put(auditType, e));

        Event<Map<String, Object>> order = board.publish(Event.builder(orderType)
                .correlationId("corr-" + Long.toHexString(ctx.random().nextLong()))
                .header("traceparent", traceparent).header("tenant", "acme").header("x-custom", "1")
                .<Map<String, Object>>data(Map.of("total", 10)).build()).join();
        ctx.await("the order, the request, the issued and the audit events", 4, () -> seen.size() >= 4
                && fromHandlers.size() >= 3 && fromHandlers.stream().allMatch(CompletableFuture::isDone));
        List<String> problems = new ArrayList<>();
        for (CompletableFuture<?> f : fromHandlers) {
            Throwable failure = ScenarioContext.failureOf(f);
            if (failure != null) {
                problems.add("a publish from a handler failed: " + failure);
            }
        }
        List<String> orderChanged = differences(order, seen.get(orderType));
        if (!orderChanged.isEmpty()) {
            problems.add("the handled order differs from the one sent: " + String.join("; ", orderChanged));
        }
        Event<Map<String, Object>> request = seen.get(requestType);
        Event<Map<String, Object>> issued = seen.get(issuedType);
        Event<Map<String, Object>> audit = seen.get(auditType);
        expectDerived(problems, "the request", request, order.correlationId(), order.id(),
                Map.of("traceparent", traceparent));
        expectDerived(problems, "the issued event", issued, order.correlationId(), request.id(),
                Map.of("traceparent", traceparent));
        expectDerived(problems, "the audit event (ids and headers set by the handler)", audit,
                "explicit-correlation", "explicit-cause", Map.of("traceparent", otherTrace, "tenant", "other"));
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n ", problems));
        }
        ctx.figure("hops", 2);
        ctx.figure("handled on attempt", redelivers ? 2 : 1);
    }

    private static void expectDerived(List<String> problems, String what, Event<?> event, String correlationId,
            String causationId, Map<String, String> headers) {
        if (!Objects.equals(event.correlationId(), correlationId)) {
            problems.add(what + " has correlation id " + event.correlationId() + ", expected " + correlationId);
        }
        if (!Objects.equals(event.causationId(), causationId)) {
            problems.add(what + " has causation id " + event.causationId() + ", expected " + causationId);
        }
        if (!event.headers().equals(headers)) {
            problems.add(what + " has headers " + event.headers() + ", expected exactly " + headers);
        }
    }

    /**
     * F6: an event encoded (by the publisher's codec) to exactly {@code maxPayloadBytes} is accepted, sent once and
     * delivered intact; the same event one byte longer fails at publish with TOO_LARGE, naming the event, and
     * reaches neither the driver nor a handler. The correlation id is set beforehand so that the publisher sends
     * the very bytes measured here.
     */
    static void payloadLimit(ScenarioContext ctx) {
        int max = ctx.capabilities().maxPayloadBytes();
        requireMaterializable(max);
        Switchboard board = ctx.switchboard();
        String type = ctx.type("item.sized");
        String group = ctx.group("sized");
        Map<String, Event<?>> received = new ConcurrentHashMap<>();
        board.subscribe(group, type, String.class, e -> received.put(e.id(), e));
        EventCodec codec = EventCodec.load();
        Event<String> atLimit = sized(codec, type, max);
        Event<String> overLimit = sized(codec, type, max + 1);
        int sends = ctx.driver(0).sends();

        CompletableFuture<Event<String>> accepted = board.publish(atLimit);
        ctx.await("the publish of " + max + " bytes to complete", 1, accepted::isDone);
        Throwable refusal = ScenarioContext.failureOf(accepted);
        if (refusal != null) {
            throw new AssertionError("an event of exactly maxPayloadBytes (" + max + " bytes) failed: " + refusal,
                    refusal);
        }
        CompletableFuture<Event<String>> refused = board.publish(overLimit);
        ctx.await("the publish of " + (max + 1) + " bytes to complete", 1, refused::isDone);
        Throwable failure = ScenarioContext.failureOf(refused);
        if (!(failure instanceof SwitchboardException se) || se.reason() != Reason.TOO_LARGE
                || !overLimit.id().equals(se.eventId())) {
            throw new AssertionError("an event of maxPayloadBytes + 1 (" + (max + 1) + " bytes) "
                    + (failure == null ? "was accepted" : "failed with " + failure)
                    + "; expected TOO_LARGE naming event " + overLimit.id());
        }
        if (ctx.driver(0).sends() != sends + 1) {
            throw new AssertionError("expected exactly 1 send (the event at the limit), the driver saw "
                    + (ctx.driver(0).sends() - sends));
        }
        ctx.await("the event of " + max + " bytes to arrive", 1, () -> received.containsKey(atLimit.id()));
        ctx.quietWindow();
        List<String> changed = differences(accepted.join(), received.get(atLimit.id()));
        if (!changed.isEmpty()) {
            throw new AssertionError("the event at the limit changed in transit: " + String.join("; ", changed));
        }
        if (received.containsKey(overLimit.id())) {
            throw new AssertionError("the event over the limit was refused at publish, yet delivered");
        }
        ctx.figure("maxPayloadBytes", max);
    }

    /** An event of {@code type} whose encoding is exactly {@code bytes} long, padded in its (ASCII) data. */
    private static Event<String> sized(EventCodec codec, String type, int bytes) {
        Event<String> empty = Event.builder(type).correlationId("corr-f6").data("").build();
        int overhead = codec.encode(empty).length;
        if (overhead > bytes) {
            throw new AssertionError("maxPayloadBytes is " + bytes + " bytes, less than the smallest event ("
                    + overhead + " bytes)");
        }
        Event<String> sized = empty.toBuilder().data("x".repeat(bytes - overhead)).build();
        int actual = codec.encode(sized).length;
        if (actual != bytes) {
            throw new IllegalStateException("the kit built an event of " + actual + " bytes, wanted " + bytes);
        }
        return sized;
    }

    private static void requireMaterializable(int maxPayloadBytes) {
        if (maxPayloadBytes >= ScenarioContext.LARGEST_MATERIALIZED) {
            throw new InfrastructureMissing("the declared maxPayloadBytes (" + maxPayloadBytes + ") is beyond the "
                    + ScenarioContext.LARGEST_MATERIALIZED + " bytes the kit builds in memory");
        }
    }

    /**
     * Waits as {@link ScenarioContext#await} does, but lets the scenario go on when the wait gives up, so that
     * its comparison says which events never arrived, rather than only that something is missing.
     */
    private static void awaitOrReport(ScenarioContext ctx, String what, int expected,
            java.util.function.BooleanSupplier condition) {
        try {
            ctx.await(what, expected, condition);
        } catch (AssertionError reportedByTheComparison) {
            // the events missing are named, case by case, by differences(): "never arrived"
        }
    }


    /** What differs between the event sent and the one received, field by field ({@code byte[]} by content). */
    private static List<String> differences(Event<?> sent, Event<?> received) {
        List<String> out = new ArrayList<>();
        if (received == null) {
            out.add("never arrived");
            return out;
        }
        compare(out, "id", sent.id(), received.id());
        compare(out, "type", sent.type(), received.type());
        compare(out, "timestamp", sent.timestamp(), received.timestamp());
        compare(out, "correlationId", sent.correlationId(), received.correlationId());
        compare(out, "causationId", sent.causationId(), received.causationId());
        compare(out, "aggregateId", sent.aggregateId(), received.aggregateId());
        compare(out, "aggregateType", sent.aggregateType(), received.aggregateType());
        compare(out, "version", sent.version(), received.version());
        compare(out, "source", sent.source(), received.source());
        compare(out, "schemaVersion", sent.schemaVersion(), received.schemaVersion());
        compare(out, "headers", sent.headers(), received.headers());
        compare(out, "data", sent.data(), received.data());
        compare(out, "extensions", sent.extensions(), received.extensions());
        return out;
    }

    private static void compare(List<String> out, String field, Object sent, Object received) {
        if (!Objects.deepEquals(sent, received)) {
            out.add(field + " sent " + show(sent) + " received " + show(received));
        }
    }

    /** A value for a failure message, control characters escaped, bytes listed, long values cut. */
    private static String show(Object value) {
        String text = value instanceof byte[] b ? Arrays.toString(b) : String.valueOf(value);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            out.append(isInvisible(c) ? String.format("\\u%04x", (int) c) : c);
        }
        return (value instanceof String ? "'" + out + "'" : out.toString())
                + (out.length() >= 300 ? "... (" + text.length() + " chars)" : "");
    }

    private static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || Character.isSurrogate(c) || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Class<Map<String, Object>> castMap() {
        return (Class) Map.class;
    }
}
