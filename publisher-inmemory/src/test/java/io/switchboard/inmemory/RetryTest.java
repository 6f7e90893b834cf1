package io.switchboard.inmemory;

import static io.switchboard.inmemory.DeliveryTest.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.DeadLetter;
import io.switchboard.DeliveryContext;
import io.switchboard.IdempotencyKey;
import io.switchboard.RetryPolicy;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries, back-off, order across retries and dead-lettering, on a {@link ManualClock}. */
class RetryTest {

    private static final String TYPE = "shop.order.placed";
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();
    /** The bytes each event was sent as, by event id. */
    private final Map<String, byte[]> sentBytes = new ConcurrentHashMap<>();
    private InMemoryDriver driver;
    private Switchboard board;

    @BeforeEach
    void start() {
        driver = new InMemoryDriver(InMemoryOptions.defaults().withClock(clock).withFaultHook(m -> {
            sentBytes.put(m.eventId(), m.payload());
            return FaultHook.Decision.deliver();
        }));
        board = Switchboard.builder(driver).clock(clock).idempotencyKey(IdempotencyKey.NONE)
                .retryPolicy(RetryPolicy.exponential(3, ONE_SECOND)).build(); // back-off 1 s, then 2 s
    }

    @AfterEach
    void stop() {
        board.close();
    }

    @Test
    void aFailedAttemptIsRedeliveredExactlyAfterItsBackOff() {
        List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
        List<Instant> times = Collections.synchronizedList(new ArrayList<>());
        board.subscribe("billing", TYPE, Item.class, e -> {
            attempts.add(DeliveryContext.current().orElseThrow().attempt());
            times.add(clock.instant());
            throw new IllegalStateException("boom");
        });
        Instant t0 = clock.instant();

        board.publish(item("k", 1)).join();
        Await.until("the first attempt failed and its retry is scheduled", () -> clock.pendingTimers() == 1);
        assertThat(attempts).containsExactly(1);
        assertThat(clock.nextDue()).contains(t0.plusSeconds(1));

        clock.advance(Duration.ofMillis(999));
        assertThat(clock.pendingTimers()).as("nothing is due before the back-off").isEqualTo(1);
        assertThat(attempts).containsExactly(1);

        clock.advance(Duration.ofMillis(1));
        Await.until("the second attempt failed and its retry is scheduled",
                () -> attempts.size() == 2 && clock.pendingTimers() == 1);
        assertThat(clock.nextDue()).contains(t0.plusSeconds(3));

        clock.advance(Duration.ofSeconds(2));
        Await.until("the event is dead-lettered", () -> driver.deadLetters().size() == 1);

        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(times).containsExactly(t0, t0.plusSeconds(1), t0.plusSeconds(3));
        assertThat(clock.pendingTimers()).isZero();
        assertThat(driver.pending("billing", TYPE)).isZero();
        SwitchboardMetrics metrics = board.metrics();
        assertThat(metrics.handlerFailures()).isEqualTo(3);
        assertThat(metrics.retries()).isEqualTo(2);
        assertThat(metrics.deadLettered()).isEqualTo(1);
    }

    @Test
    void aKeyWaitsForItsFailingEventWhileOtherKeysFlow() {
        List<String> succeeded = Collections.synchronizedList(new ArrayList<>());
        List<Integer> failedAttempts = Collections.synchronizedList(new ArrayList<>());
        for (int m = 0; m < 2; m++) {
            board.subscribe(SubscriptionRequest.group("orders", TYPE, Item.class, e -> {
                int attempt = DeliveryContext.current().orElseThrow().attempt();
                if (e.aggregateId().equals("k") && e.data().seq() == 1 && attempt <= 2) {
                    failedAttempts.add(attempt);
                    throw new IllegalStateException("k#1 fails twice");
                }
                succeeded.add(e.aggregateId() + "#" + e.data().seq() + "@" + attempt);
            }).withMaxConcurrency(4));
        }

        board.publish(item("k", 1)).join();
        board.publish(item("k", 2)).join();
        for (int i = 0; i < 5; i++) {
            board.publish(item("other-" + i, 1)).join();
        }
        Await.until("the other keys are handled and k#1 waits for its retry",
                () -> succeeded.size() == 5 && clock.pendingTimers() == 1);
        assertThat(succeeded).noneMatch(s -> s.startsWith("k#"));

        clock.advance(ONE_SECOND);
        Await.until("k#1 failed again", () -> failedAttempts.size() == 2 && clock.pendingTimers() == 1);
        assertThat(succeeded).noneMatch(s -> s.startsWith("k#"));

        clock.advance(Duration.ofSeconds(2));
        Await.until("k#1 and k#2 are handled", () -> succeeded.size() == 7);
        assertThat(succeeded.subList(5, 7)).containsExactly("k#1@3", "k#2@1");
        assertThat(failedAttempts).containsExactly(1, 2);
    }

    @Test
    void aDeadLetterCarriesTheOriginalBytesAndTheStandardMetadata() {
        board.subscribe("billing", TYPE, Item.class, e -> {
            throw new IllegalStateException("boom");
        });
        Instant t0 = clock.instant();

        String id = board.publish(item("k", 1)).join().id();
        Await.until("the retry after attempt 1 is scheduled", () -> clock.pendingTimers() == 1);
        clock.advance(ONE_SECOND);
        Await.until("the retry after attempt 2 is scheduled",
                () -> board.metrics().handlerFailures() == 2 && clock.pendingTimers() == 1);
        clock.advance(Duration.ofSeconds(2));
        Await.until("the event is dead-lettered", () -> driver.deadLetters().size() == 1);

        DeadLetter dead = driver.deadLetters().get(0);
        assertThat(dead.payload()).isEqualTo(sentBytes.get(id));
        assertThat(dead.metadata())
                .containsEntry(DeadLetter.Keys.SOURCE, TYPE)
                .containsEntry(DeadLetter.Keys.GROUP, "billing")
                .containsEntry(DeadLetter.Keys.ATTEMPTS, "3")
                .containsEntry(DeadLetter.Keys.FIRST_FAILURE_AT, t0.toString())
                .containsEntry(DeadLetter.Keys.LAST_FAILURE_AT, t0.plusSeconds(3).toString())
                .containsEntry(DeadLetter.Keys.EXCEPTION_CLASS, IllegalStateException.class.getName())
                .containsEntry(DeadLetter.Keys.EXCEPTION_MESSAGE, "boom")
                .containsEntry(DeadLetter.Keys.REASON, "attempts-exhausted")
                .containsEntry(DeadLetter.Keys.EVENT_ID, id)
                .containsKey(DeadLetter.Keys.ORIGINAL_MESSAGE_ID);
        assertThat(dead.get(DeadLetter.Keys.EXCEPTION_STACKTRACE)).contains("IllegalStateException: boom");
        assertThat(clock.pendingTimers()).as("no further redelivery").isZero();
        assertThat(driver.pending("billing", TYPE)).isZero();

        assertThatThrownBy(() -> driver.deadLetters().add(dead)).isInstanceOf(UnsupportedOperationException.class);
        driver.clearDeadLetters();
        assertThat(driver.deadLetters()).isEmpty();
    }

    @Test
    void aHandlerThrowingAnErrorFollowsTheFailurePathAndTheConsumerGoesOn() {
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        board.subscribe(SubscriptionRequest.group("billing", TYPE, Item.class, e -> {
            switch (e.data().seq()) {
                case 1 -> throw new AssertionError("expected");
                case 2 -> throw new StackOverflowError();
                default -> handled.add(e.data().seq());
            }
        }).withRetryPolicy(RetryPolicy.noRetries()));

        for (int seq = 1; seq <= 4; seq++) {
            board.publish(item("k", seq)).join(); // one key: handled one after the other, in order
        }

        Await.until("the later events are handled", () -> handled.size() == 2);
        assertThat(handled).containsExactly(3, 4);
        assertThat(driver.deadLetters()).extracting(d -> d.get(DeadLetter.Keys.EXCEPTION_CLASS))
                .containsExactly(AssertionError.class.getName(), StackOverflowError.class.getName());
        assertThat(board.metrics().handlerFailures()).isEqualTo(2);
    }

    @Test
    void withARealClockRetriesRunOnTheDriversTimer() {
        InMemoryDriver realTime = new InMemoryDriver();
        try (Switchboard realBoard = Switchboard.builder(realTime).idempotencyKey(IdempotencyKey.NONE)
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(10))).build()) {
            List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
            realBoard.subscribe("billing", TYPE, Item.class, e -> {
                int attempt = DeliveryContext.current().orElseThrow().attempt();
                attempts.add(attempt);
                if (attempt == 1) {
                    throw new IllegalStateException("first attempt fails");
                }
            });

            realBoard.publish(item("k", 1)).join();

            Await.until("the retry succeeded", () -> realBoard.metrics().handled() == 1);
            assertThat(attempts).containsExactly(1, 2);
            assertThat(realTime.deadLetters()).isEmpty();
        }
    }
}
