package io.switchboard.hybrid;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.LocalBroker;
import io.switchboard.tck.BrokerControl;
import java.util.EnumSet;
import java.util.Set;

/**
 * Kit control of a local broker process, and of the fault proxy its clients go through when there is one.
 * (Private until the shared {@code io.switchboard.tck.LocalBrokerControl} of branch {@code redis} is merged.)
 */
final class LegControl implements BrokerControl {

    private final LocalBroker broker;
    private final FaultProxy proxy;
    private final Set<Fault> supported;

    private LegControl(LocalBroker broker, FaultProxy proxy, Set<Fault> supported) {
        this.broker = broker;
        this.proxy = proxy;
        this.supported = supported;
    }

    /** The process: restart, kill, freeze. */
    static LegControl process(LocalBroker broker) {
        return new LegControl(broker, null, EnumSet.of(Fault.RESTART, Fault.KILL, Fault.FREEZE));
    }

    /** Only the connections through {@code proxy}: a partition of the clients using it, the broker stays up. */
    static LegControl partition(FaultProxy proxy) {
        return new LegControl(null, proxy, EnumSet.of(Fault.PARTITION));
    }

    @Override
    public Set<Fault> supported() {
        return supported;
    }

    @Override
    public void stop() {
        broker.stop();
    }

    @Override
    public void kill() {
        broker.kill();
    }

    @Override
    public void start() {
        broker.start();
    }

    @Override
    public void freeze() {
        broker.freeze();
    }

    @Override
    public void thaw() {
        broker.thaw();
    }

    @Override
    public void cut() {
        proxy.cut();
    }

    @Override
    public void restore() {
        proxy.restore();
    }
}
