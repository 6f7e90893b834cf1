package io.switchboard.hybrid;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.CompatibilityKit;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.LocalBrokerControl;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The hybrid's real-time leg on its own ({@link NatsCoreDriver}: NATS core, at-most-once) against the kit, on one
 * local nats-server reached through a fault proxy, so the kit can restart, kill, freeze and cut it.
 */
class NatsCoreCompatibilityTest extends CompatibilityKit {

    private static NatsServer nats;
    private static FaultProxy proxy;

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
        proxy = FaultProxy.to(nats);
    }

    @AfterAll
    static void stopBroker() {
        if (proxy != null) {
            proxy.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Override
    protected DriverFixture fixture() {
        BrokerControl server = LocalBrokerControl.of(nats, proxy);
        HybridDriverOptions options = HybridDriverOptions.of(proxy.endpoint("nats"))
                .withReconnect(Duration.ofMillis(100), Duration.ofSeconds(1));
        return new DriverFixture() {
            @Override
            public EventDriver createDriver() {
                return new NatsCoreDriver(options);
            }

            @Override
            public Optional<BrokerControl> brokerControl() {
                return Optional.of(server);
            }

            @Override
            public Optional<DriverInspector> inspector(EventDriver driver) {
                return Optional.of(DriverInspector.of(((NatsCoreDriver) driver)::deadLetters));
            }

            @Override
            public List<Supplier<EventDriver>> invalidConfigurations() {
                return List.of(
                        () -> new NatsCoreDriver(HybridDriverOptions.of("http://127.0.0.1:" + nats.port())),
                        () -> new NatsCoreDriver(options.withSubjectPrefix("bad prefix")),
                        () -> new NatsCoreDriver(options.withReconnect(Duration.ZERO, Duration.ofSeconds(1))));
            }
        };
    }
}
