package io.switchboard.inmemory;

import static io.switchboard.inmemory.DeliveryTest.item;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.Event;
import io.switchboard.IdempotencyKey;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded buffers: blocking, failing with UNAVAILABLE, and all-or-nothing batches. */
class BackpressureTest {

    private static final String TYPE = "shop.order.placed";

    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> held = Collections.synchronizedList(new ArrayList<>());
    private InMemoryDriver driver;
    private Switchboard board;

    @AfterEach
    void stop() {
        release.countDown();
        board.close();
    }

    @Test
    void aPublishIntoAFullGroupFailsAfterTheBlockTimeoutAndIsNeverDelivered() throws Exception {
        start(2, Duration.ofMillis(50));
        subscribeHeldGroup();
        board.publish(named("first")).join();
        assertThat(firstStarted.await(20, SECONDS)).isTrue();
        board.publish(named("second")).join(); // buffered behind the held one: the buffer of 2 is full

        for (int i = 0; i < 20; i++) {
            CompletableFuture<?> rejected = board.publish(named("rejected-" + i));
            assertThatThrownBy(() -> rejected.get(20, SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(SwitchboardException.class, e -> {
                        assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("group 'held' (pattern " + TYPE + ")")
                                .contains("is full");
                    });
        }
        assertThat(driver.pending("held", TYPE)).as("the buffer never grows past its size").isEqualTo(2);

        release.countDown();
        board.publish(named("last")).join();
        Await.until("the group has acknowledged everything", () -> driver.pending("held", TYPE) == 0);
        assertThat(held).containsExactly("first", "second", "last");
    }

    @Test
    void aPublishIntoAFullGroupBlocksUntilSpaceFrees() throws Exception {
        start(1, Duration.ofSeconds(60));
        subscribeHeldGroup();
        board.publish(named("first")).join();
        assertThat(firstStarted.await(20, SECONDS)).isTrue();

        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                outcome.set(board.publish(named("second")).get(60, SECONDS));
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        publisher.start();
        Await.until("the publisher waits for space", () -> publisher.getState() == Thread.State.TIMED_WAITING);
        assertThat(outcome.get()).isNull();

        release.countDown();
        publisher.join(SECONDS.toMillis(20));
        assertThat(outcome.get()).isInstanceOf(Event.class);
        Await.until("both events handled", () -> held.size() == 2);
        assertThat(held).containsExactly("first", "second");
    }

    @Test
    void aPublisherInterruptedWhileWaitingFailsAndEnqueuesNothing() throws Exception {
        start(1, Duration.ofSeconds(60));
        subscribeHeldGroup();
        board.publish(named("first")).join();
        assertThat(firstStarted.await(20, SECONDS)).isTrue();

        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                board.publish(named("interrupted")).get(60, SECONDS);
            } catch (ExecutionException e) {
                failure.set(e.getCause());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        publisher.start();
        Await.until("the publisher waits for space", () -> publisher.getState() == Thread.State.TIMED_WAITING);
        publisher.interrupt();
        publisher.join(SECONDS.toMillis(20));

        assertThat(failure.get()).isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.INTERRUPTED));
        release.countDown();
        board.publish(named("last")).join();
        Await.until("the group has acknowledged everything", () -> driver.pending("held", TYPE) == 0);
        assertThat(held).containsExactly("first", "last");
    }

    @Test
    void aBatchIsEnqueuedEverywhereOrNowhere() throws Exception {
        start(3, Duration.ofMillis(50));
        // The group with room comes first, so its places are taken before the full group refuses: they must be
        // given back.
        List<String> free = Collections.synchronizedList(new ArrayList<>());
        board.subscribe("free", TYPE, Item.class, e -> free.add(e.data().name()));
        subscribeHeldGroup();
        board.publish(named("first")).join();
        assertThat(firstStarted.await(20, SECONDS)).isTrue();
        board.publish(named("second")).join(); // held: 2 of 3 places taken
        Await.until("the free group handled both", () -> driver.pending("free", TYPE) == 0);

        CompletableFuture<?> tooBig = board.publishAll(List.of(named("batch-1"), named("batch-2")));
        assertThatThrownBy(() -> tooBig.get(20, SECONDS)).cause()
                .isInstanceOfSatisfying(SwitchboardException.class,
                        e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE));
        assertThat(driver.pending("held", TYPE)).isEqualTo(2);
        assertThat(driver.pending("free", TYPE)).as("the group with room got nothing either").isZero();

        release.countDown();
        Await.until("the held group drained", () -> driver.pending("held", TYPE) == 0);
        board.publishAll(List.of(named("fits-1"), named("fits-2"))).get(20, SECONDS);
        Await.until("both groups handled the batch that fits",
                () -> driver.pending("held", TYPE) == 0 && driver.pending("free", TYPE) == 0);
        assertThat(held).containsExactly("first", "second", "fits-1", "fits-2");
        assertThat(free).containsExactlyInAnyOrder("first", "second", "fits-1", "fits-2");
    }

    @Test
    void aBatchLongerThanTheMaxBatchSizeGoesInParts() throws Exception {
        start(4, Duration.ofSeconds(60));
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        board.subscribe("all", TYPE, Item.class, e -> handled.add(e.data().seq()));
        assertThat(board.capabilities().maxBatchSize()).isEqualTo(4);

        List<Event<Item>> batch = IntStream.range(0, 3 * 4 + 1).mapToObj(i -> item(null, i)).toList();
        board.publishAll(batch).get(20, SECONDS);

        Await.until("every event handled", () -> driver.pending("all", TYPE) == 0);
        assertThat(handled).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 13).boxed().toList());
    }

    private void start(int bufferSize, Duration blockTimeout) {
        driver = new InMemoryDriver(InMemoryOptions.defaults().withBufferSize(bufferSize)
                .withBlockTimeout(blockTimeout));
        board = Switchboard.builder(driver).idempotencyKey(IdempotencyKey.NONE).build();
    }

    /** Group {@code held}, one handler at a time; the event named {@code first} holds it until {@link #release}. */
    private void subscribeHeldGroup() {
        board.subscribe(SubscriptionRequest.group("held", TYPE, Item.class, e -> {
            if (e.data().name().equals("first")) {
                firstStarted.countDown();
                release.await();
            }
            held.add(e.data().name());
        }).withMaxConcurrency(1));
    }

    private static Event<Item> named(String name) {
        return Event.builder(TYPE).data(new Item(name, 0)).build();
    }
}
