package io.switchboard.hybrid;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.tck.BrokerControl;
import java.util.EnumSet;
import java.util.Set;

/**
 * Kit control of one leg's connections only, through its fault proxy: a partition of that leg while the broker
 * (shared with the other leg, as with the JetStream leg) stays up. {@code LocalBrokerControl} always offers process
 * faults too, which would take both legs down.
 */
final class ProxyPartition implements BrokerControl {

    private final FaultProxy proxy;

    ProxyPartition(FaultProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public Set<Fault> supported() {
        return EnumSet.of(Fault.PARTITION);
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
