package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.DeadLetter;
import io.switchboard.Event;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardException.Reason;
import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.RedisOptions;
import io.switchboard.brokers.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redis-specific behaviour against a real redis-server: what the compatibility kit cannot inject. */
class RedisDriverTest {

    private static RedisServer redis;
    private static RedisClient raw;
    private static StatefulRedisConnection<String, String> rawConnection;

    @BeforeAll
    static void start() {
        redis = new RedisServer(RedisOptions.defaults()).start();
        raw = RedisClient.create(redis.endpoint());
        rawConnection = raw.connect();
    }

    @AfterAll
    static void stop() {
        rawConnection.close();
        raw.shutdown();
        redis.close();
    }

    private static RedisDriverOptions options() {
        return RedisDriverOptions.forUrl(redis.endpoint())
                .withConsumerTimings(Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    @Test
    void anEntryWrittenBySomeoneElseIsDeadLetteredWithTheReasonAndTheConsumerGoesOn() {
        RedisDriver driver = new RedisDriver(options());
        try (Switchboard board = Switchboard.builder(driver).build()) {
            Set<String> handled = ConcurrentHashMap.newKeySet();
            board.subscribe("robust", "raw.entry.written", Map.class, e -> handled.add(e.id()));
            rawConnection.sync().xadd("events:raw.entry.written", Map.of("foo", "bar"));
            rawConnection.sync().xadd("events:raw.entry.written", Map.of("payload", "{not json"));
            Event<?> valid = board.publish("raw.entry.written", Map.of("n", 1)).join();

            await(() -> handled.contains(valid.id()) && driver.deadLetters().stream()
                    .filter(d -> "raw.entry.written".equals(d.get(DeadLetter.Keys.SOURCE))).count() == 2);
            List<DeadLetter> letters = driver.deadLetters().stream()
                    .filter(d -> "raw.entry.written".equals(d.get(DeadLetter.Keys.SOURCE))).toList();
            assertThat(letters).allSatisfy(d -> {
                assertThat(d.get(DeadLetter.Keys.REASON)).isEqualTo("malformed");
                assertThat(d.get(DeadLetter.Keys.GROUP)).isEqualTo("robust");
                assertThat(d.get(DeadLetter.Keys.ORIGINAL_MESSAGE_ID)).matches("\\d+-\\d+");
                assertThat(d.get(DeadLetter.Keys.EXCEPTION_MESSAGE)).isNotBlank();
            });
            assertThat(letters).extracting(d -> new String(d.payload()))
                    .containsExactlyInAnyOrder("foo=bar\n", "{not json");
            assertThat(handled).containsExactly(valid.id());
            // Acknowledged: nothing of the group is left pending.
            assertThat(rawConnection.sync().xpending("events:raw.entry.written", "robust").getCount()).isZero();
        }
    }

    @Test
    void anUnreachableRedisGivesATypedFailureWithinTheTimeoutNeverSuccess() {
        assertThatThrownBy(() -> new RedisDriver(RedisDriverOptions.forUrl("redis://127.0.0.1:1")
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500))))
                .isInstanceOfSatisfying(SwitchboardException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
                .hasMessageContaining("redis://127.0.0.1:1");

        try (FaultProxy proxy = FaultProxy.to(redis)) {
            RedisDriver driver = new RedisDriver(RedisDriverOptions.forUrl(proxy.endpoint("redis"))
                    .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(700)));
            try (Switchboard board = Switchboard.builder(driver).publishTimeout(Duration.ofSeconds(5)).build()) {
                board.publish("unreachable.redis.checked", Map.of("n", 0)).join();
                proxy.cut();
                long start = System.nanoTime();
                assertThatThrownBy(() -> board.publish("unreachable.redis.checked", Map.of("n", 1)).join())
                        .isInstanceOf(CompletionException.class)
                        .cause().isInstanceOfSatisfying(SwitchboardException.class, e -> assertThat(e.reason())
                                .isIn(Reason.TIMEOUT, Reason.UNAVAILABLE));
                long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertThat(millis).isLessThan(700 + 1000);
                proxy.restore();
            }
        }
    }

    @Test
    void anOversizedPayloadIsRejectedBeforeSending() {
        RedisDriver driver = new RedisDriver(options().withMaxPayloadBytes(300));
        try (Switchboard board = Switchboard.builder(driver).build()) {
            assertThatThrownBy(() -> board.publish("too.large.payload", Map.of("text", "x".repeat(400))).join())
                    .cause().isInstanceOfSatisfying(SwitchboardException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
            assertThat(rawConnection.sync().exists("events:too.large.payload")).isZero();
            assertThat(rawConnection.sync().sismember("events:streams", "events:too.large.payload")).isFalse();
        }
    }

    @Test
    void aPatternSubscriptionPicksUpStreamsCreatedAfterIt() {
        try (Switchboard board = Switchboard.builder(new RedisDriver(options())).build()) {
            Set<String> types = ConcurrentHashMap.newKeySet();
            board.subscribe("late-streams", "later.*.created", Map.class, e -> types.add(e.type().value()));
            board.publish("later.first.created", Map.of()).join();
            board.publish("later.second.created", Map.of()).join();
            board.publish("later.second.deleted", Map.of()).join();
            await(() -> types.size() == 2);
            assertThat(types).containsExactlyInAnyOrder("later.first.created", "later.second.created");
            assertThat(rawConnection.sync().smembers("events:streams"))
                    .contains("events:later.first.created", "events:later.second.deleted");
        }
    }

    @Test
    void aLostRegistryIsRebuiltByLaterPublishesAndPatternsStillFindNewStreams() {
        try (Switchboard subscriber = Switchboard.builder(new RedisDriver(options())).build();
                Switchboard otherProcess = Switchboard.builder(new RedisDriver(options())).build()) {
            Set<String> types = ConcurrentHashMap.newKeySet();
            subscriber.subscribe("relost", "relost.*", Map.class, e -> types.add(e.type().value()));
            otherProcess.publish("relost.first", Map.of()).join();
            await(() -> types.contains("relost.first"));

            rawConnection.sync().del("events:streams"); // as after FLUSHALL or a restart without persistence
            otherProcess.publish("relost.second", Map.of()).join(); // first publish of this driver there: registers
            await(() -> types.contains("relost.second"));
            pause(RedisDriver.REGISTRATION_REFRESH.toMillis() + 200);
            otherProcess.publish("relost.first", Map.of()).join(); // registered long enough ago: registers again
            assertThat(rawConnection.sync().smembers("events:streams"))
                    .contains("events:relost.first", "events:relost.second");
            // Repeated publishes to a registered stream are plain XADDs with the same fields.
            for (int i = 0; i < 20; i++) {
                otherProcess.publish("relost.second", Map.of("i", i)).join();
            }
            assertThat(rawConnection.sync().xrange("events:relost.second", io.lettuce.core.Range.unbounded()))
                    .hasSize(21).allSatisfy(m -> assertThat(m.getBody()).containsOnlyKeys("id", "type", "payload")
                            .containsEntry("type", "relost.second"));
        }
    }

    @Test
    void aFrozenRedisEndsEverySendTypedAndTimedOutSendsKeepTheirSlotsUntilRedisAnswers() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(redis)) {
            RedisDriver driver = new RedisDriver(RedisDriverOptions.forUrl(proxy.endpoint("redis"))
                    .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(300)));
            try {
                driver.send(message(0)).get(5, java.util.concurrent.TimeUnit.SECONDS);
                proxy.stall();
                int sends = RedisDriver.MAX_SENDS_IN_FLIGHT + 3;
                List<java.util.concurrent.CompletableFuture<Void>> results = new java.util.ArrayList<>();
                for (int i = 1; i <= sends; i++) {
                    results.add(driver.send(message(i)));
                }
                List<SwitchboardException> failures = new java.util.ArrayList<>();
                for (java.util.concurrent.CompletableFuture<Void> r : results) {
                    java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                            java.util.concurrent.ExecutionException.class,
                            () -> r.get(10, java.util.concurrent.TimeUnit.SECONDS));
                    assertThat(e.getCause()).isInstanceOf(SwitchboardException.class);
                    failures.add((SwitchboardException) e.getCause());
                }
                assertThat(failures).extracting(SwitchboardException::reason).containsOnly(Reason.TIMEOUT);
                // The window's sends timed out but lettuce still holds them: the sends beyond it were not queued
                // behind them, they waited for a slot and failed with nothing sent.
                assertThat(failures.subList(RedisDriver.MAX_SENDS_IN_FLIGHT, sends))
                        .allSatisfy(f -> assertThat(f.getMessage()).contains("nothing was sent"));
                assertThat(failures.subList(0, RedisDriver.MAX_SENDS_IN_FLIGHT))
                        .allSatisfy(f -> assertThat(f.getMessage()).contains("may or may not have been written"));
                proxy.resume();
                // Redis answers the held commands (and the driver's PING): the slots come back, sends succeed.
                for (int i = 0; i < RedisDriver.MAX_SENDS_IN_FLIGHT + 10; i++) {
                    driver.send(message(-i)).get(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                proxy.resume();
                driver.close(Duration.ofSeconds(1));
            }
        }
    }

    private static io.switchboard.spi.OutboundMessage message(int n) {
        return new io.switchboard.spi.OutboundMessage("id-" + n, "frozen.redis.bounded", null,
                ("{\"n\":" + n + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void aConsumerHoldsItsConcurrencyPlusTheReadAheadAndNoMore() throws Exception {
        for (Integer readAhead : new Integer[] {null, 5}) {
            String type = "read.ahead." + (readAhead == null ? "default" : "five");
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            Set<Integer> handled = ConcurrentHashMap.newKeySet();
            try (Switchboard board = Switchboard.builder(new RedisDriver(options().withReadAhead(readAhead)))
                    .build()) {
                board.subscribe(io.switchboard.SubscriptionRequest.group("ahead", type, Map.class, e -> {
                    gate.await();
                    handled.add((Integer) e.data().get("i"));
                }).withMaxConcurrency(2));
                for (int i = 0; i < 30; i++) {
                    board.publish(type, Map.of("i", i)).join();
                }
                // Two handlers blocked, the rest fetched ahead: pending with the group, nothing more is read.
                int expected = 2 + (readAhead == null ? 2 : readAhead);
                await(() -> rawConnection.sync().xpending("events:" + type, "ahead").getCount() == expected);
                pause(600); // three block timeouts: a consumer that read more would show it by now
                assertThat(rawConnection.sync().xpending("events:" + type, "ahead").getCount()).isEqualTo(expected);
                gate.countDown();
                await(() -> handled.size() == 30);
            }
        }
    }

    @Test
    void acknowledgementsWaitForRoomWhileRedisStallsInsteadOfBeingRefusedAndLeftPending() throws Exception {
        int entries = 3000; // more than lettuce's queue on the shared connection takes (MAX_QUEUED_COMMANDS)
        String type = "ack.window.stall";
        try (FaultProxy proxy = FaultProxy.to(redis)) {
            RedisDriver driver = new RedisDriver(RedisDriverOptions.forUrl(proxy.endpoint("redis"))
                    .withConsumerTimings(Duration.ofMillis(200), Duration.ofSeconds(30)).withReadAhead(entries));
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            try (Switchboard board = Switchboard.builder(driver).build()) {
                board.subscribe(io.switchboard.SubscriptionRequest.group("acks", type, Map.class, e -> gate.await()));
                List<java.util.concurrent.CompletableFuture<?>> sent = new java.util.ArrayList<>();
                for (int i = 0; i < entries; i++) {
                    sent.add(board.publish(type, Map.of("i", i)));
                }
                sent.forEach(java.util.concurrent.CompletableFuture::join);
                // The consumer has read everything ahead; its handlers wait at the gate.
                await(() -> rawConnection.sync().xpending("events:" + type, "acks").getCount() == entries);
                proxy.stall();
                gate.countDown(); // every handler returns at once: 3,000 acknowledgements while Redis does not answer
                pause(1000);
                proxy.resume();
                // All acknowledged once Redis answers: none was refused and left pending for a redelivery.
                await(() -> rawConnection.sync().xpending("events:" + type, "acks").getCount() == 0);
            } finally {
                proxy.resume();
            }
        }
    }

    @Test
    void maxlenTrimmingBoundsTheStreamAndTheDefaultKeepsEverything() {
        try (Switchboard trimmed = Switchboard.builder(new RedisDriver(options()
                .withTrim(RedisDriverOptions.Trim.MAXLEN, 10, null))).build();
                Switchboard untrimmed = Switchboard.builder(new RedisDriver(options())).build()) {
            for (int i = 0; i < 500; i++) {
                trimmed.publish("trim.max.length", Map.of("i", i)).join();
                untrimmed.publish("trim.none.kept", Map.of("i", i)).join();
            }
            // Approximate trimming removes whole nodes (100 entries by default): bounded, not exact.
            assertThat(rawConnection.sync().xlen("events:trim.max.length")).isLessThan(500).isGreaterThanOrEqualTo(10);
            assertThat(rawConnection.sync().xlen("events:trim.none.kept")).isEqualTo(500);
        }
    }

    @Test
    void pubSubPatternsMatchSegmentsExactly() {
        try (Switchboard board = Switchboard.builder(new RedisDriver(options()
                .withMode(RedisDriverOptions.Mode.PUBSUB))).build()) {
            Set<String> types = ConcurrentHashMap.newKeySet();
            board.subscribe(io.switchboard.SubscriptionRequest.broadcast("billing.*.paid", Map.class,
                    e -> types.add(e.type().value())));
            board.publish("billing.a.b.paid", Map.of()).join(); // the glob * would match it; the pattern does not
            board.publish("billing.invoice.paid", Map.of()).join();
            await(() -> types.contains("billing.invoice.paid"));
            pause(300);
            assertThat(types).containsExactly("billing.invoice.paid");
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            pause(20);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
