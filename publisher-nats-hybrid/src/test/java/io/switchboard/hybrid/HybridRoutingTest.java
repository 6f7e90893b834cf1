package io.switchboard.hybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.Event;
import io.switchboard.RealTime;
import io.switchboard.Switchboard;
import io.switchboard.SwitchboardException;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.inmemory.InMemoryDriver;
import io.switchboard.inmemory.InMemoryOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which events go to the broadcast leg, and the options' validation and secrecy. */
class HybridRoutingTest {

    @RealTime
    public record PanicButtonPressed(String room) {
    }

    public record InvoiceIssued(String number) {
    }

    private static NatsServer nats;

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
    }

    @AfterAll
    static void stopBroker() {
        nats.close();
    }

    @Test
    void patternsAndTheRealTimeAnnotationSelectTheBroadcastEverythingGoesToTheQueue() throws Exception {
        HybridDriver driver = new HybridDriver(HybridDriverOptions.of(nats.endpoint()).withRealTime("alerts.*.triggered"),
                new InMemoryDriver(InMemoryOptions.defaults()));
        try (Switchboard board = Switchboard.builder(driver).build()) {
            Set<String> queued = ConcurrentHashMap.newKeySet();
            board.subscribe("workers", "alerts.>", Map.class, e -> queued.add(e.type().value()));
            board.subscribe("workers", "billing.>", Map.class, e -> queued.add(e.type().value()));
            board.subscribe("workers", "facility.>", Map.class, e -> queued.add(e.type().value()));

            board.publish("alerts.cpu.triggered", Map.of("host", "h1")).join();
            assertThat(driver.broadcasts()).isEqualTo(1);
            board.publish("alerts.cpu.cleared", Map.of("host", "h1")).join();
            board.publish("billing.invoice.issued", new InvoiceIssued("INV-1")).join();
            assertThat(driver.broadcasts()).isEqualTo(1);
            board.publish(Event.of("facility.panic-button.pressed", new PanicButtonPressed("r1"))).join();
            assertThat(driver.broadcasts()).isEqualTo(2);

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (queued.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(queued).containsExactlyInAnyOrder("alerts.cpu.triggered", "alerts.cpu.cleared",
                    "billing.invoice.issued", "facility.panic-button.pressed");
        }
    }

    @Test
    void aLiveSubscriberOfAnAnnotatedTypeGetsOneCopyThoughBothLegsCarryIt() throws Exception {
        HybridDriver driver = new HybridDriver(HybridDriverOptions.of(nats.endpoint()),
                new InMemoryDriver(InMemoryOptions.defaults()));
        try (Switchboard board = Switchboard.builder(driver).idempotencyKey(io.switchboard.IdempotencyKey.NONE)
                .build()) {
            Map<String, Integer> copies = new ConcurrentHashMap<>();
            board.broadcast("facility.>", PanicButtonPressed.class, e -> copies.merge(e.id(), 1, Integer::sum));
            Thread.sleep(200); // the NATS subscription reaches the server
            String id = board.publish(Event.of("facility.panic-button.pressed", new PanicButtonPressed("r2")))
                    .join().id();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!copies.containsKey(id) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(500);
            assertThat(driver.broadcasts()).isEqualTo(1);
            assertThat(copies).containsExactly(Map.entry(id, 1));
        }
    }

    @Test
    void invalidOptionsAreAllReportedAtOnceByPropertyName() {
        assertThatThrownBy(() -> new HybridDriverOptions("http://x", "bad.*", null, Set.of(), null,
                new NatsSecurity("t", "u", null, null, false, null, null, null, null), java.time.Duration.ZERO,
                null, null))
                .isInstanceOfSatisfying(SwitchboardException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SwitchboardException.Reason.CONFIGURATION);
                    assertThat(e.getMessage()).contains("event.hybrid.nats.url", "event.hybrid.nats.subject-prefix",
                            "event.hybrid.nats.connect-timeout", "are alternatives",
                            "event.hybrid.nats.username and event.hybrid.nats.password must be set together");
                });
        assertThatThrownBy(() -> HybridDriverOptions.parsePatterns("security.>,Bad.Pattern"))
                .hasMessageContaining("event.hybrid.realtime holds an invalid pattern 'Bad.Pattern'");
        assertThatThrownBy(() -> HybridDriverOptions.of("nats://h:4222").withSecurity(
                NatsSecurity.credentials(Path.of("/no/such.creds"))))
                .hasMessageContaining("event.hybrid.nats.credentials-file /no/such.creds is not a readable file");
    }

    @Test
    void secretsNeverAppearInToString() {
        HybridDriverOptions options = HybridDriverOptions.of("nats://alice:pw-123@127.0.0.1:4222")
                .withSecurity(NatsSecurity.userPassword("alice", "pw-456"));
        assertThat(options.toString()).doesNotContain("pw-123").doesNotContain("pw-456").contains("user alice");
        assertThat(NatsSecurity.token("tok-789").toString()).doesNotContain("tok-789").contains("auth=token");
        assertThat(JetStreamOptions.defaults().withUrl("nats://bob:pw-000@h:4222").toString()).doesNotContain("pw-000");
    }

    @Test
    void routingCoverage() {
        var routing = new io.switchboard.hybrid.internal.RealTimeRouting(
                HybridDriverOptions.parsePatterns("security.>,alerts.*.triggered"));
        assertThat(routing.covers(io.switchboard.EventPattern.of("security.login.failed"))).isTrue();
        assertThat(routing.covers(io.switchboard.EventPattern.of("security.*.failed"))).isTrue();
        assertThat(routing.covers(io.switchboard.EventPattern.of("alerts.disk.triggered"))).isTrue();
        assertThat(routing.covers(io.switchboard.EventPattern.of("alerts.>"))).isFalse();
        assertThat(routing.covers(io.switchboard.EventPattern.of("*.login.failed"))).isFalse();
        assertThat(routing.covers(io.switchboard.EventPattern.of(">"))).isFalse();
    }
}
