package io.switchboard.hybrid;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.hybrid.internal.JetStreamQueue;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.CompatibilityKit;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.HybridLegs;
import io.switchboard.tck.LocalBrokerControl;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The hybrid driver with the JetStream queue leg ({@code event.hybrid.queue=jetstream}) against the kit, on one
 * local nats-server. Each leg connects through its own fault proxy: the kit restarts, kills, freezes the server or cuts
 * the queue leg's proxy for the broker faults, and cuts only the broadcast leg's proxy for group H.
 */
class HybridJetStreamCompatibilityTest extends CompatibilityKit {

    private static NatsServer nats;
    private static FaultProxy broadcastProxy;
    private static FaultProxy queueProxy;

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
        broadcastProxy = FaultProxy.to(nats);
        queueProxy = FaultProxy.to(nats);
        // C2 builds the driver EVENT_DRIVER names (unset: hybrid) from the environment's settings: point them here.
        System.setProperty(HybridDriverOptions.QUEUE, HybridDriverOptions.JETSTREAM_QUEUE);
        System.setProperty(HybridDriverOptions.NATS_URL, nats.endpoint());
    }

    @AfterAll
    static void stopBroker() {
        System.clearProperty(HybridDriverOptions.QUEUE);
        System.clearProperty(HybridDriverOptions.NATS_URL);
        if (broadcastProxy != null) {
            broadcastProxy.close();
        }
        if (queueProxy != null) {
            queueProxy.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Override
    protected DriverFixture fixture() {
        BrokerControl server = LocalBrokerControl.of(nats, queueProxy);
        HybridLegs legs = HybridLegs.of(server, new ProxyPartition(broadcastProxy));
        HybridDriverOptions options = HybridDriverOptions.of(broadcastProxy.endpoint("nats"))
                .withRealTime(legs.realTimePattern())
                .withReconnect(Duration.ofMillis(100), Duration.ofSeconds(1));
        // A crashed consumer's messages come back after ack-wait: shorter than the kit's progress timeout (15 s).
        JetStreamOptions jetStream = JetStreamOptions.defaults().withUrl(queueProxy.endpoint("nats"))
                .withAckWait(Duration.ofSeconds(5));
        return new DriverFixture() {
            @Override
            public EventDriver createDriver() {
                return HybridDriver.withJetStream(options, jetStream);
            }

            @Override
            public Optional<BrokerControl> brokerControl() {
                return Optional.of(server);
            }

            @Override
            public Optional<HybridLegs> hybridLegs() {
                return Optional.of(legs);
            }

            @Override
            public Optional<DriverInspector> inspector(EventDriver driver) {
                JetStreamQueue leg = (JetStreamQueue) ((HybridDriver) driver).queueLeg();
                return Optional.of(DriverInspector.of(leg::deadLetters));
            }

            @Override
            public List<Supplier<EventDriver>> invalidConfigurations() {
                return List.of(
                        () -> HybridDriver.withJetStream(HybridDriverOptions.of("http://127.0.0.1:1"), jetStream),
                        () -> HybridDriver.withJetStream(options, jetStream.withStreamPrefix("bad prefix")),
                        () -> HybridDriver.withJetStream(options, jetStream.withAckWait(Duration.ZERO)));
            }
        };
    }
}
