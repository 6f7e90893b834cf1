package io.switchboard.tck.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Event;
import io.switchboard.IdempotencyKey;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reference broker's fault controls behave as its Javadoc says, so scenarios may rely on them. */
class ReferenceBrokerTest {

    private static Switchboard board(ReferenceBroker broker) {
        return Switchboard.builder(new ReferenceDriver(broker)).idempotencyKey(IdempotencyKey.NONE)
                .publishTimeout(Duration.ofSeconds(5)).build();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<Map<String, Object>> map() {
        return (Class) Map.class;
    }

    @Test
    void whileStoppedSendsFailUnavailableAndStateSurvivesTheRestart() throws Exception {
        try (ReferenceBroker broker = new ReferenceBroker(Set.of(), null); Switchboard board = board(broker)) {
            List<String> received = new CopyOnWriteArrayList<>();
            board.subscribe("g", "ref.item.recorded", map(), e -> received.add(e.id()));
            board.subscribe("idle", "ref.item.recorded", map(), e -> { }).close(); // a group without members
            Event<Map<String, Object>> before = Event.of("ref.item.recorded", Map.of("n", 1));
            broker.stop();
            CompletableFuture<?> whileDown = board.publish(before);
            assertThat(whileDown).failsWithin(Duration.ofSeconds(1)).withThrowableThat()
                    .havingCause().isInstanceOfSatisfying(SwitchboardException.class,
                            e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE));
            broker.start();
            board.publish(before).get(1, TimeUnit.SECONDS);
            awaitSize(received, 1);
            assertThat(received).containsExactly(before.id());
        }
    }

    @Test
    void whileFrozenSendsWaitAndDeliveriesPauseUntilTheThaw() throws Exception {
        try (ReferenceBroker broker = new ReferenceBroker(Set.of(), null); Switchboard board = board(broker)) {
            List<String> received = new CopyOnWriteArrayList<>();
            board.subscribe("g", "ref.item.recorded", map(), e -> received.add(e.id()));
            broker.freeze();
            Event<Map<String, Object>> event = Event.of("ref.item.recorded", Map.of("n", 1));
            CompletableFuture<?> sent = board.publish(event);
            Thread.sleep(200); // nothing may happen while frozen: this is the window watched
            assertThat(sent).isNotDone();
            assertThat(received).isEmpty();
            broker.thaw();
            sent.get(1, TimeUnit.SECONDS);
            awaitSize(received, 1);
            assertThat(received).containsExactly(event.id());
        }
    }

    @Test
    void inHybridModeOnlyRealTimeTypesAreBroadcastAndOnlyWhileTheBroadcastLegIsUp() throws Exception {
        try (ReferenceBroker broker = new ReferenceBroker(Set.of(), "*.*.live.>"); Switchboard board = board(broker)) {
            List<String> live = new CopyOnWriteArrayList<>();
            List<String> queued = new CopyOnWriteArrayList<>();
            board.broadcast("a.b.>", map(), e -> live.add(e.type().value()));
            board.subscribe("g", "a.b.>", map(), e -> queued.add(e.type().value()));
            board.publish("a.b.live.flagged", Map.of()).get(1, TimeUnit.SECONDS);
            board.publish("a.b.item.recorded", Map.of()).get(1, TimeUnit.SECONDS);
            broker.broadcastLeg().stop();
            board.publish("a.b.live.missed", Map.of()).get(1, TimeUnit.SECONDS);
            broker.broadcastLeg().start();
            board.publish("a.b.live.again", Map.of()).get(1, TimeUnit.SECONDS);
            awaitSize(queued, 4);
            awaitSize(live, 2);
            assertThat(live).containsExactly("a.b.live.flagged", "a.b.live.again");
            assertThat(queued).containsExactlyInAnyOrder("a.b.live.flagged", "a.b.item.recorded",
                    "a.b.live.missed", "a.b.live.again");
        }
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(list).hasSizeGreaterThanOrEqualTo(size);
    }
}
