package io.switchboard.inmemory;

import static io.switchboard.inmemory.DeliveryTest.item;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Event;
import io.switchboard.IdempotencyKey;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault hook simulates loss, duplication and delay, as the compatibility kit's broken drivers need. */
class FaultHookTest {

    private static final String TYPE = "shop.order.placed";

    private final ManualClock clock = new ManualClock();
    private final List<String> handled = Collections.synchronizedList(new ArrayList<>());
    private volatile FaultHook hook = FaultHook.NONE;
    private InMemoryDriver driver;
    private Switchboard board;

    @BeforeEach
    void start() {
        driver = new InMemoryDriver(InMemoryOptions.defaults().withClock(clock)
                .withFaultHook(message -> hook.onSend(message)));
        board = Switchboard.builder(driver).clock(clock).idempotencyKey(IdempotencyKey.NONE).build();
    }

    @AfterEach
    void stop() {
        board.close();
    }

    @Test
    void dropReportsSuccessButEnqueuesNothing() {
        board.subscribe("billing", TYPE, Item.class, e -> handled.add(e.id()));
        hook = m -> m.eventId().equals("evt-lost") ? FaultHook.Decision.drop() : FaultHook.Decision.deliver();

        board.publish(withId("evt-lost")).join();
        board.publish(withId("evt-kept")).join();

        Await.until("the group has acknowledged what it got", () -> handled.size() == 1
                && driver.pending("billing", TYPE) == 0);
        assertThat(handled).containsExactly("evt-kept");
    }

    @Test
    void duplicateEnqueuesTwiceWhichOnlyDeduplicationHides() {
        List<String> deduplicated = Collections.synchronizedList(new ArrayList<>());
        board.subscribe("raw", TYPE, Item.class, e -> handled.add(e.id()));
        board.subscribe(SubscriptionRequest.group("deduplicated", TYPE, Item.class, e -> deduplicated.add(e.id()))
                .withIdempotencyKey(IdempotencyKey.EVENT_ID).withMaxConcurrency(1));
        hook = m -> FaultHook.Decision.duplicate();

        String id = board.publish(item("k", 1)).join().id();

        Await.until("both groups have acknowledged both copies", () -> driver.pending("raw", TYPE) == 0
                && driver.pending("deduplicated", TYPE) == 0);
        assertThat(handled).containsExactly(id, id);
        assertThat(deduplicated).containsExactly(id);
        assertThat(board.metrics().duplicatesSkipped()).isEqualTo(1);
    }

    @Test
    void delayEnqueuesOnlyWhenTheClockHasMovedOnAndCompletesTheSendThen() throws Exception {
        board.subscribe("billing", TYPE, Item.class, e -> handled.add(e.id()));
        hook = m -> FaultHook.Decision.delay(Duration.ofSeconds(5));

        CompletableFuture<Event<Item>> sent = board.publish(item("k", 1));
        assertThat(sent).isNotDone();
        clock.advance(Duration.ofSeconds(4));
        assertThat(sent).isNotDone();
        assertThat(handled).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        String id = sent.get(20, SECONDS).id();
        Await.until("the delayed event is handled", () -> handled.size() == 1);
        assertThat(handled).containsExactly(id);
    }

    private static Event<Item> withId(String id) {
        return Event.builder(TYPE).id(id).data(new Item(id, 0)).build();
    }
}
