package io.switchboard.hybrid;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.NatsOptions;
import io.switchboard.brokers.NatsServer;
import io.switchboard.inmemory.InMemoryDriver;
import io.switchboard.inmemory.InMemoryOptions;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.CompatibilityKit;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.HybridLegs;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The hybrid's composition against the kit with the in-memory driver as queue leg: proves the routing, the merged
 * broadcast subscriptions and the broadcast leg's degraded mode (group H) independently of a queue broker. The
 * broadcast leg goes through a fault proxy the kit cuts.
 */
class HybridInMemoryLegCompatibilityTest extends CompatibilityKit {

    private static NatsServer nats;
    private static FaultProxy broadcastProxy;

    @BeforeAll
    static void startBroker() {
        nats = new NatsServer(NatsOptions.defaults()).start();
        broadcastProxy = FaultProxy.to(nats);
    }

    @AfterAll
    static void stopBroker() {
        if (broadcastProxy != null) {
            broadcastProxy.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Override
    protected DriverFixture fixture() {
        HybridLegs legs = HybridLegs.of(HybridLegs.uncontrolled(), new ProxyPartition(broadcastProxy));
        HybridDriverOptions options = HybridDriverOptions.of(broadcastProxy.endpoint("nats"))
                .withRealTime(legs.realTimePattern());
        return new DriverFixture() {
            @Override
            public EventDriver createDriver() {
                return new HybridDriver(options, new InMemoryDriver(InMemoryOptions.defaults()));
            }

            @Override
            public Optional<HybridLegs> hybridLegs() {
                return Optional.of(legs);
            }

            @Override
            public Optional<DriverInspector> inspector(EventDriver driver) {
                InMemoryDriver leg = (InMemoryDriver) ((HybridDriver) driver).queueLeg();
                return Optional.of(DriverInspector.of(leg::deadLetters));
            }

            @Override
            public List<Supplier<EventDriver>> invalidConfigurations() {
                return List.of(
                        () -> new HybridDriver(HybridDriverOptions.of("http://127.0.0.1:1"),
                                new InMemoryDriver(InMemoryOptions.defaults())),
                        () -> new HybridDriver(options.withSubjectPrefix("bad.*"),
                                new InMemoryDriver(InMemoryOptions.defaults())));
            }
        };
    }
}
