package io.switchboard.inmemory;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.DeliveryContext;
import io.switchboard.Event;
import io.switchboard.IdempotencyKey;
import io.switchboard.Subscription;
import io.switchboard.SubscriptionRequest;
import io.switchboard.Switchboard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing, groups, broadcast and per-key order, through the real core. */
class DeliveryTest {

    private static final String TYPE = "shop.order.placed";

    private InMemoryDriver driver;
    private Switchboard board;

    @BeforeEach
    void start() {
        driver = new InMemoryDriver();
        // No consumer-side deduplication: these tests count what the driver delivers, duplicates included.
        board = Switchboard.builder(driver).idempotencyKey(IdempotencyKey.NONE).build();
    }

    @AfterEach
    void stop() {
        board.close();
    }

    @Test
    void deliversTheEventAndItsDataOnADriverThread() throws Exception {
        BlockingQueue<Event<Item>> received = new LinkedBlockingQueue<>();
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<DeliveryContext> context = new AtomicReference<>();
        board.subscribe("billing", TYPE, Item.class, e -> {
            thread.set(Thread.currentThread().getName());
            context.set(DeliveryContext.current().orElseThrow());
            received.add(e);
        });

        Event<Item> sent = board.publish(Event.builder(TYPE).aggregate("Order", "order-1", 3)
                .header("tenant", "acme").data(new Item("book", 7)).build()).get(20, SECONDS);

        Event<Item> got = received.poll(20, SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.id()).isEqualTo(sent.id());
        assertThat(got.type().value()).isEqualTo(TYPE);
        assertThat(got.data()).isEqualTo(new Item("book", 7));
        assertThat(got.aggregateId()).isEqualTo("order-1");
        assertThat(got.version()).isEqualTo(3L);
        assertThat(got.headers()).containsEntry("tenant", "acme");
        assertThat(got.correlationId()).isNotNull().isEqualTo(sent.correlationId());
        assertThat(thread.get()).startsWith("switchboard-inmemory-").isNotEqualTo(Thread.currentThread().getName());
        assertThat(context.get().attempt()).isEqualTo(1);
        assertThat(context.get().group()).isEqualTo("billing");
    }

    @Test
    void membersOfOneGroupCompeteEachEventHandledOnce() {
        int events = 300;
        List<List<String>> byMember = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            byMember.add(ids);
            board.subscribe(SubscriptionRequest.group("workers", TYPE, Item.class, e -> ids.add(e.id()))
                    .withMaxConcurrency(2));
        }

        List<String> published = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            published.add(board.publish(item(null, i)).join().id());
        }

        Await.until("the group has acknowledged every event", () -> driver.pending("workers", TYPE) == 0);
        List<String> all = new ArrayList<>();
        byMember.forEach(all::addAll);
        assertThat(all).hasSize(events).containsExactlyInAnyOrderElementsOf(published);
        assertThat(byMember).allSatisfy(ids -> assertThat(ids).isNotEmpty());
    }

    @Test
    void membersTakeTurnsRatherThanTheFirstFillingUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<AtomicInteger> inFlight = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            AtomicInteger mine = new AtomicInteger();
            inFlight.add(mine);
            board.subscribe(SubscriptionRequest.group("workers", TYPE, Item.class, e -> {
                mine.incrementAndGet();
                release.await();
            }).withMaxConcurrency(2));
        }

        for (int i = 0; i < 3; i++) {
            board.publish(item(null, i)).join();
        }

        try {
            Await.until("three handlers run", () -> inFlight.stream().mapToInt(AtomicInteger::get).sum() == 3);
            assertThat(inFlight).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aBacklogReachesTheMembersFullConcurrencyAndNoMore() throws Exception {
        // Handler threads start one at a time (each started thread starts the next while events wait): a backlog
        // of twelve events without keys must still end with four handlers running at once, never five.
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger handled = new AtomicInteger();
        board.subscribe(SubscriptionRequest.group("workers", TYPE, Item.class, e -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await();
            } finally {
                running.decrementAndGet();
                handled.incrementAndGet();
            }
        }).withMaxConcurrency(4));

        for (int i = 0; i < 12; i++) {
            board.publish(item(null, i)).join();
        }
        try {
            Await.until("four handlers run at once", () -> running.get() == 4);
            assertThat(handled).hasValue(0);
        } finally {
            release.countDown();
        }
        Await.until("every event handled", () -> handled.get() == 12);
        assertThat(most).hasValue(4);
    }

    @Test
    void everyMatchingGroupGetsItsOwnCopy() {
        Map<String, List<String>> byGroup = new ConcurrentHashMap<>();
        Map<String, String> patterns = Map.of("a", TYPE, "b", TYPE, "c", "shop.>", "other", "billing.>");
        patterns.forEach((group, pattern) -> {
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            byGroup.put(group, ids);
            board.subscribe(group, pattern, Item.class, e -> ids.add(e.id()));
        });

        List<String> published = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            published.add(board.publish(item(null, i)).join().id());
        }

        for (String group : List.of("a", "b", "c")) {
            Await.until("group " + group + " has acknowledged every event",
                    () -> driver.pending(group, patterns.get(group)) == 0);
            assertThat(byGroup.get(group)).as(group).hasSize(50).containsExactlyInAnyOrderElementsOf(published);
        }
        // A publish completes once the event is in every matching buffer, so the non-matching group's empty
        // buffer shows it never got one.
        assertThat(driver.pending("other", "billing.>")).isZero();
        assertThat(byGroup.get("other")).isEmpty();
    }

    @Test
    void aBroadcastSubscriptionGetsOnlyWhatIsPublishedWhileItIsOpen() {
        board.publish(item("before", 1)).join();
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        List<String> second = Collections.synchronizedList(new ArrayList<>());
        Subscription s1 = board.broadcast(TYPE, Item.class, e -> first.add(e.data().name()));
        board.broadcast(TYPE, Item.class, e -> second.add(e.data().name()));

        board.publish(item("during", 1)).join();
        Await.until("both broadcast subscriptions got the event", () -> first.size() == 1 && second.size() == 1);
        s1.close();
        board.publish(item("after", 1)).join();
        Await.until("the open broadcast subscription got the later event", () -> second.size() == 2);

        assertThat(s1.isActive()).isFalse();
        assertThat(first).containsExactly("during");
        assertThat(second).containsExactly("during", "after");
    }

    @Test
    void aGroupStartsWithLaterEventsAndKeepsThemWhileItHasNoMember() {
        board.publish(item("early", 0)).join();
        List<String> firstMember = Collections.synchronizedList(new ArrayList<>());
        Subscription first = board.subscribe("audit", TYPE, Item.class, e -> firstMember.add(e.data().name()));
        first.close();

        for (int i = 0; i < 20; i++) {
            board.publish(item("while-away", i)).join();
        }
        assertThat(driver.pending("audit", TYPE)).isEqualTo(20);

        List<Integer> secondMember = Collections.synchronizedList(new ArrayList<>());
        board.subscribe("audit", TYPE, Item.class, e -> secondMember.add(e.data().seq()));
        Await.until("the new member handled the backlog", () -> driver.pending("audit", TYPE) == 0);

        assertThat(firstMember).isEmpty();
        assertThat(secondMember).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).boxed().toList());
    }

    @Test
    void eventsOfOneKeyAreHandledInOrderAcrossMembersNeverConcurrently() {
        int keys = 16;
        int perKey = 50;
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        AtomicBoolean overlap = new AtomicBoolean();
        for (int m = 0; m < 4; m++) {
            board.subscribe(SubscriptionRequest.group("orders", TYPE, Item.class, e -> {
                AtomicInteger sameKey = running.computeIfAbsent(e.aggregateId(), k -> new AtomicInteger());
                if (sameKey.incrementAndGet() > 1) {
                    overlap.set(true);
                }
                try {
                    Thread.yield(); // widen the window in which a broken driver would run the key twice
                    seen.computeIfAbsent(e.aggregateId(), k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(e.data().seq());
                } finally {
                    sameKey.decrementAndGet();
                }
            }).withMaxConcurrency(4));
        }

        for (int seq = 1; seq <= perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                board.publish(item("key-" + k, seq)).join();
            }
        }

        Await.until("the group has acknowledged every event", () -> driver.pending("orders", TYPE) == 0);
        List<Integer> expected = IntStream.rangeClosed(1, perKey).boxed().toList();
        assertThat(seen).hasSize(keys);
        seen.forEach((key, seqs) -> assertThat(seqs).as(key).containsExactlyElementsOf(expected));
        assertThat(overlap).as("two events of one key handled at once").isFalse();
    }

    @Test
    void aSlowKeyHoldsBackOnlyItsOwnLaterEvents() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        board.subscribe(SubscriptionRequest.group("orders", TYPE, Item.class, e -> {
            if (e.data().name().equals("slow") && e.data().seq() == 1) {
                slowStarted.countDown();
                release.await();
            }
            handled.add(e.data().name() + "#" + e.data().seq());
        }).withMaxConcurrency(2));

        board.publish(item("slow", 1)).join();
        board.publish(item("slow", 2)).join();
        for (int k = 0; k < 5; k++) {
            board.publish(item("fast-" + k, 1)).join();
        }
        assertThat(slowStarted.await(20, SECONDS)).isTrue();
        Await.until("the other keys flowed past the slow one", () -> handled.size() == 5);
        assertThat(handled).doesNotContain("slow#2");

        release.countDown();
        Await.until("the slow key finished", () -> handled.size() == 7);
        assertThat(handled.indexOf("slow#1")).isLessThan(handled.indexOf("slow#2"));
    }

    @Test
    void eventsWithoutKeyRunInParallel() throws Exception {
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        AtomicInteger handled = new AtomicInteger();
        board.subscribe(SubscriptionRequest.group("parallel", TYPE, Item.class, e -> {
            bothRunning.await(20, SECONDS); // only passes if the two events are in flight together
            handled.incrementAndGet();
        }).withMaxConcurrency(2));

        board.publish(item(null, 1)).join();
        board.publish(item(null, 2)).join();

        Await.until("both events handled", () -> handled.get() == 2);
        assertThat(board.metrics().handlerFailures()).isZero();
    }

    /** An event keyed by {@code key} (null: no key), with {@code key} as the item's name. */
    static Event<Item> item(String key, int seq) {
        return Event.builder(TYPE).aggregateId(key).data(new Item(key == null ? "item" : key, seq)).build();
    }
}
