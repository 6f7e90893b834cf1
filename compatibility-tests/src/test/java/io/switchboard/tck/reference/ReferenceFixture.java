package io.switchboard.tck.reference;

import io.switchboard.Capabilities;
import io.switchboard.spi.EventDriver;
import io.switchboard.tck.BrokerControl;
import io.switchboard.tck.DriverFixture;
import io.switchboard.tck.DriverInspector;
import io.switchboard.tck.HybridLegs;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The reference driver as the kit sees it: one broker per fixture, full broker control, an inspector. */
public final class ReferenceFixture implements DriverFixture, AutoCloseable {

    private final ReferenceBroker broker;
    private final HybridLegs legs;
    private final Capabilities capabilities;
    /** What creating a driver throws while the broker is down; null: drivers start degraded and attach later. */
    private Supplier<RuntimeException> startupFailure;

    private ReferenceFixture(Set<Flaw> flaws, boolean hybrid, Capabilities capabilities) {
        // The broker must know the real-time pattern before the legs (which it controls) exist.
        String realTime = hybrid ? HybridLegs.of(HybridLegs.uncontrolled(), HybridLegs.uncontrolled())
                .realTimePattern() : null;
        this.broker = new ReferenceBroker(flaws, realTime);
        this.legs = hybrid ? HybridLegs.of(broker, broker.broadcastLeg()) : null;
        this.capabilities = capabilities;
    }

    /** The correct reference driver. */
    public static ReferenceFixture correct() {
        return new ReferenceFixture(Set.of(), false, ReferenceDriver.CAPABILITIES);
    }

    /** The reference driver with deliberate defects. */
    public static ReferenceFixture broken(Flaw first, Flaw... more) {
        return new ReferenceFixture(EnumSet.of(first, more), false, ReferenceDriver.CAPABILITIES);
    }

    /** The reference driver as a hybrid: real-time types also go to a broadcast leg with its own control. */
    public static ReferenceFixture hybrid(Flaw... flaws) {
        return new ReferenceFixture(flaws.length == 0 ? Set.of() : EnumSet.of(flaws[0], flaws), true,
                ReferenceDriver.CAPABILITIES);
    }

    /** The reference driver declaring something else (to exercise a scenario behind another gate). */
    public static ReferenceFixture declaring(Capabilities capabilities, Flaw... flaws) {
        return new ReferenceFixture(flaws.length == 0 ? Set.of() : EnumSet.of(flaws[0], flaws), false,
                capabilities);
    }

    /** The correct driver, except that creating one while the broker is down throws {@code failure}. */
    public static ReferenceFixture failingAtStartWhileDown(Supplier<RuntimeException> failure) {
        ReferenceFixture fixture = correct();
        fixture.startupFailure = failure;
        return fixture;
    }

    @Override
    public EventDriver createDriver() {
        if (startupFailure != null && !broker.isUp()) {
            throw startupFailure.get();
        }
        return new ReferenceDriver(broker, capabilities);
    }

    @Override
    public Optional<BrokerControl> brokerControl() {
        return Optional.of(broker);
    }

    @Override
    public Optional<HybridLegs> hybridLegs() {
        return Optional.ofNullable(legs);
    }

    @Override
    public Optional<DriverInspector> inspector(EventDriver driver) {
        return Optional.of(DriverInspector.of(broker::deadLetters));
    }

    @Override
    public List<Supplier<EventDriver>> invalidConfigurations() {
        return List.of(() -> new ReferenceDriver(null));
    }

    @Override
    public void close() {
        broker.close();
    }
}
