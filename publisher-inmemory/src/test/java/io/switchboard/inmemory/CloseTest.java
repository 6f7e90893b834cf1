package io.switchboard.inmemory;

import static io.switchboard.inmemory.DeliveryTest.item;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.DeliveryContext;
import io.switchboard.EventPattern;
import io.switchboard.IdempotencyKey;
import io.switchboard.RetryPolicy;
import io.switchboard.Subscription;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.SwitchboardMetrics;
import io.switchboard.spi.ConsumerSpec;
import io.switchboard.spi.DeliveryOutcome;
import io.switchboard.spi.OutboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Closing subscriptions and the driver: drain, cancellation, and what fails afterwards. */
class CloseTest {

    private static final String TYPE = "shop.order.placed";

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private InMemoryDriver driver;
    private Switchboard board;

    @AfterEach
    void stop() {
        release.countDown();
        board.close();
    }

    @Test
    void closingASubscriptionWaitsForItsHandlerWithinTheDrainTimeout() throws Exception {
        start(InMemoryOptions.defaults(), Duration.ofSeconds(60));
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        Subscription subscription = board.subscribe("billing", TYPE, Item.class, e -> {
            started.countDown();
            release.await();
            handled.add(e.id());
        });
        String id = board.publish(item("k", 1)).join().id();
        assertThat(started.await(20, SECONDS)).isTrue();

        Thread closer = new Thread(subscription::close);
        closer.start();
        Await.until("close waits for the handler", () -> closer.getState() == Thread.State.TIMED_WAITING);
        assertThat(subscription.isActive()).isFalse();

        release.countDown();
        closer.join(SECONDS.toMillis(20));
        assertThat(closer.isAlive()).isFalse();
        assertThat(handled).containsExactly(id);
        SwitchboardMetrics metrics = board.metrics();
        assertThat(metrics.handled()).isEqualTo(1);
        assertThat(metrics.released()).isZero();
        assertThat(driver.pending("billing", TYPE)).isZero();
    }

    @Test
    void aHandlerPastTheDrainTimeoutIsCancelledAndItsEventGoesToALaterMember() throws Exception {
        start(InMemoryOptions.defaults(), Duration.ofMillis(100));
        Subscription hanging = board.subscribe("billing", TYPE, Item.class, e -> {
            started.countDown();
            new CountDownLatch(1).await(); // hangs until interrupted
        });
        String id = board.publish(item("k", 1)).join().id();
        assertThat(started.await(20, SECONDS)).isTrue();

        hanging.close();

        AtomicReference<String> handledId = new AtomicReference<>();
        AtomicReference<Integer> attempt = new AtomicReference<>();
        board.subscribe("billing", TYPE, Item.class, e -> {
            attempt.set(DeliveryContext.current().orElseThrow().attempt());
            handledId.set(e.id());
        });
        Await.until("the later member handled the released event", () -> handledId.get() != null);
        assertThat(handledId.get()).isEqualTo(id);
        assertThat(attempt.get()).as("a release does not use up an attempt").isEqualTo(1);
        assertThat(driver.deadLetters()).isEmpty();
        SwitchboardMetrics metrics = board.metrics();
        assertThat(metrics.released()).isEqualTo(1);
        assertThat(metrics.handlerFailures()).isZero();
        assertThat(metrics.deadLettered()).isZero();
    }

    @Test
    void afterCloseSendsAndSubscriptionsFailAsClosedAndCloseIsIdempotent() {
        start(InMemoryOptions.defaults(), Duration.ofSeconds(1));
        Subscription subscription = board.subscribe("billing", TYPE, Item.class, e -> { });

        board.close();
        driver.close();
        board.close();

        assertThat(subscription.isActive()).isFalse();
        CompletableFuture<Void> send = driver.send(new OutboundMessage("evt-1", TYPE, null, new byte[] {1},
                Map.of()));
        assertThatThrownBy(send::join).cause().isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.CLOSED));
        ConsumerSpec spec = new ConsumerSpec("sub-x", EventPattern.of(TYPE), "billing", 1, RetryPolicy.defaults(),
                Duration.ZERO);
        assertThatThrownBy(() -> driver.subscribe(spec, m -> DeliveryOutcome.ACK))
                .isInstanceOfSatisfying(SwitchboardException.class,
                        e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.CLOSED));
    }

    @Test
    void closingTheDriverReleasesAPublisherBlockedOnAFullBuffer() throws Exception {
        start(InMemoryOptions.defaults().withBufferSize(1).withBlockTimeout(Duration.ofMinutes(5)),
                Duration.ofMillis(100));
        board.subscribe("billing", TYPE, Item.class, e -> {
            started.countDown();
            release.await();
        });
        board.publish(item("k", 1)).join();
        assertThat(started.await(20, SECONDS)).isTrue();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                board.publish(item("k", 2)).get(60, SECONDS);
            } catch (ExecutionException e) {
                failure.set(e.getCause());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        publisher.start();
        Await.until("the publisher waits for space", () -> publisher.getState() == Thread.State.TIMED_WAITING);

        board.close();

        publisher.join(SECONDS.toMillis(20));
        assertThat(publisher.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.CLOSED));
    }

    @Test
    void closingThePublisherDeliversWhatWasAcceptedToTheOpenMembers() throws Exception {
        start(InMemoryOptions.defaults(), Duration.ofSeconds(60));
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        board.subscribe(SubscriptionRequest.group("billing", TYPE, Item.class, e -> {
            Thread.sleep(2); // slower than the publisher, so a backlog is buffered when close starts
            handled.add(e.id());
        }).withMaxConcurrency(1));
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            accepted.add(board.publish(item(null, i)).join().id());
        }
        assertThat(driver.pending("billing", TYPE)).as("backlog when close starts").isPositive();

        board.close();

        assertThat(handled).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(board.metrics().released()).isZero();
    }

    @Test
    void aDuplicateArrivingWhileTheFirstRunsIsReleasedAndAcknowledgedOnceTheFirstSucceeded() throws Exception {
        // Two copies of one event without an ordering key run in parallel; deduplication must not ack the second
        // while the first may still fail, so it is released and comes back after the first succeeded.
        driver = new InMemoryDriver(InMemoryOptions.defaults().withFaultHook(m -> FaultHook.Decision.duplicate()));
        board = Switchboard.builder(driver).build();
        CountDownLatch bothArrived = new CountDownLatch(1);
        List<String> sideEffects = Collections.synchronizedList(new ArrayList<>());
        board.subscribe(SubscriptionRequest.group("billing", TYPE, Item.class, e -> {
            started.countDown();
            assertThat(bothArrived.await(20, SECONDS)).isTrue();
            sideEffects.add(e.id());
        }).withMaxConcurrency(2));
        board.publish(item(null, 1)).join();
        assertThat(started.await(20, SECONDS)).isTrue();
        Await.until("the second copy to be released", () -> board.metrics().released() == 1);
        bothArrived.countDown();

        Await.until("the released copy to come back", () -> board.metrics().duplicatesSkipped() == 1);
        assertThat(sideEffects).hasSize(1);
        assertThat(board.metrics().handled()).isEqualTo(1);
        assertThat(driver.pending("billing", TYPE)).isZero();
    }

    @Test
    void aPublishWaitingForBufferSpaceWhenCloseStartsFailsOrIsHandledNeverOkThenLost() throws Exception {
        start(InMemoryOptions.defaults().withBufferSize(1), Duration.ofMillis(500));
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        Subscription subscription = board.subscribe("billing", TYPE, Item.class, e -> {
            if (e.data().seq() == 1) {
                started.countDown();
                release.await(); // holds the buffer's only place
            }
            handled.add(e.id());
        });
        board.publish(item(null, 1)).join();
        assertThat(started.await(20, SECONDS)).isTrue();
        AtomicReference<CompletableFuture<?>> second = new AtomicReference<>();
        AtomicReference<String> secondId = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            var event = item(null, 2);
            secondId.set(event.id());
            second.set(board.publish(event)); // blocks for a place: the buffer is full
        });
        publisher.start();
        Await.until("the second publish to wait for buffer space",
                () -> publisher.getState() == Thread.State.TIMED_WAITING);

        Thread closer = new Thread(board::close);
        closer.start();
        // The flush gives up on the held event; the member is leaving (its drain is running) when space frees.
        Await.until("the member to start leaving", () -> !subscription.isActive());
        release.countDown();
        closer.join(20_000);
        publisher.join(20_000);

        CompletableFuture<?> outcome = second.get();
        assertThat(outcome).isDone();
        if (outcome.isCompletedExceptionally()) {
            assertThatThrownBy(outcome::join).hasCauseInstanceOf(SwitchboardException.class);
        } else {
            assertThat(handled).as("a publish that completed ok must have been handled").contains(secondId.get());
        }
    }

    private void start(InMemoryOptions options, Duration drainTimeout) {
        driver = new InMemoryDriver(options);
        board = Switchboard.builder(driver).idempotencyKey(IdempotencyKey.NONE).drainTimeout(drainTimeout).build();
    }
}
