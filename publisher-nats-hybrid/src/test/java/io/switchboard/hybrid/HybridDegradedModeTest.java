package io.switchboard.hybrid;

import static io.switchboard.hybrid.Await.await;
import static io.switchboard.hybrid.Await.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.Event;
import io.switchboard.Health;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The degraded modes of DESIGN.md, each proven against a real nats-server with the JetStream queue leg: each leg
 * connects through its own fault proxy, so one leg can be taken down while the other stays up.
 */
class HybridDegradedModeTest {

    private static final String TYPE = "security.login.failed";
    private static NatsServer nats;
    private static FaultProxy broadcastProxy;
    private static FaultProxy queueProxy;

    private HybridDriver driver;
    private Switchboard board;
    private final Set<String> grouped = ConcurrentHashMap.newKeySet();
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
        broadcastProxy = FaultProxy.to(nats);
        queueProxy = FaultProxy.to(nats);
    }

    @AfterAll
    static void stopBroker() {
        broadcastProxy.close();
        queueProxy.close();
        nats.close();
    }

    @AfterEach
    void closeDriver() {
        if (board != null) {
            board.close();
        }
        broadcastProxy.restore();
        queueProxy.restore();
    }

    private HybridDriver hybrid(HybridDriverOptions.Startup startup) {
        HybridDriverOptions options = HybridDriverOptions.of(broadcastProxy.endpoint("nats"))
                .withRealTime("security.>").withStartup(startup)
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(500));
        JetStreamOptions jetStream = JetStreamOptions.defaults().withUrl(queueProxy.endpoint("nats"))
                .withStreamPrefix("DEGRADED_");
        return HybridDriver.withJetStream(options, jetStream);
    }

    private void start(HybridDriverOptions.Startup startup) {
        driver = hybrid(startup);
        board = Switchboard.builder(driver).build();
        board.subscribe("workers", TYPE, Map.class, e -> grouped.add(e.id()));
        board.broadcast(TYPE, Map.class, e -> live.add(e.id()));
    }

    private String publish() {
        return board.publish(Event.of(TYPE, Map.of("user", "u1"))).join().id();
    }

    private Health leg(String prefix) {
        return board.health().stream().filter(h -> h.component().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void broadcastLegDownPublishSucceedsAndTheMissIsCounted() {
        start(HybridDriverOptions.Startup.FAIL_FAST);
        String warmUp = publish();
        await(() -> grouped.contains(warmUp) && live.contains(warmUp), "warm-up on both legs");

        broadcastProxy.cut();
        await(() -> !leg("broadcast-leg").isUp(), "broadcast leg reported DOWN");
        assertThat(leg("queue-leg").isUp()).isTrue();
        long missesBefore = driver.broadcastMisses();
        List<String> during = List.of(publish(), publish(), publish(), publish(), publish());

        assertThat(driver.broadcastMisses() - missesBefore).isEqualTo(5);
        await(() -> grouped.containsAll(during), "group handled every event published during the outage");
        assertThat(live).doesNotContainAnyElementsOf(during);

        broadcastProxy.restore();
        await(() -> leg("broadcast-leg").isUp(), "broadcast leg back UP");
        String after = publish();
        await(() -> live.contains(after) && grouped.contains(after), "both legs after recovery");
    }

    @Test
    void queueLegDownPublishFailsWithATypedReasonAndNothingIsBroadcast() throws Exception {
        start(HybridDriverOptions.Startup.FAIL_FAST);
        String warmUp = publish();
        await(() -> grouped.contains(warmUp) && live.contains(warmUp), "warm-up on both legs");
        long broadcastsBefore = driver.broadcasts();

        queueProxy.cut();
        await(() -> !leg("queue-leg").isUp(), "queue leg reported DOWN");
        assertThat(leg("broadcast-leg").isUp()).isTrue();
        assertThatThrownBy(this::publish).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(SwitchboardException.class,
                        e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE));
        Thread.sleep(300);
        assertThat(driver.broadcasts()).isEqualTo(broadcastsBefore);
        assertThat(live).containsExactly(warmUp);

        queueProxy.restore();
        await(() -> leg("queue-leg").isUp(), "queue leg back UP");
        String after = publish();
        await(() -> live.contains(after) && grouped.contains(after), "both legs after recovery");
    }

    @Test
    void bothLegsDownPublishFails() {
        start(HybridDriverOptions.Startup.FAIL_FAST);
        broadcastProxy.cut();
        queueProxy.cut();
        await(() -> board.health().stream().noneMatch(Health::isUp), "both legs DOWN");
        assertThatThrownBy(this::publish).cause().isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE));
        assertThat(board.metrics().published()).isZero();
    }

    @Test
    void failFastStartupWithNatsUnreachableFailsAtConstruction() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        long started = System.nanoTime();
        assertThatThrownBy(() -> HybridDriver.withJetStream(HybridDriverOptions.of("nats://127.0.0.1:" + closedPort),
                JetStreamOptions.defaults()))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("event.hybrid.startup=degraded");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void degradedStartupStartsWithBothLegsDownAndAttachesWhenTheyComeUp() {
        broadcastProxy.cut();
        queueProxy.cut();
        start(HybridDriverOptions.Startup.DEGRADED);
        assertThat(board.health()).hasSize(2).noneMatch(Health::isUp);
        assertThatThrownBy(this::publish).cause().isInstanceOfSatisfying(SwitchboardException.class,
                e -> assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.UNAVAILABLE));

        broadcastProxy.restore();
        queueProxy.restore();
        await(() -> board.health().stream().allMatch(Health::isUp), "both legs UP after the brokers came back");
        // The group subscription registered while JetStream was unreachable attaches in the background.
        await(() -> {
            String id = publish();
            sleep(300);
            return grouped.contains(id) && live.contains(id);
        }, "an event published after recovery reaches the group and the live subscriber");
    }
}
