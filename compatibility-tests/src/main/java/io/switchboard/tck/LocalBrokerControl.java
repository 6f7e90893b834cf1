package io.switchboard.tck;

import io.switchboard.brokers.FaultProxy;
import io.switchboard.brokers.LocalBroker;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * {@link BrokerControl} over a broker run by {@code local-brokers}: restart, kill and freeze act on its process; a
 * partition cuts the connections of a {@link FaultProxy} in front of it, so drivers under test must connect through
 * {@link FaultProxy#endpoint(String)} for {@link Fault#PARTITION} to be supported. Without a proxy, PARTITION is not
 * offered.
 */
public final class LocalBrokerControl implements BrokerControl {

    private final LocalBroker broker;
    private final FaultProxy proxy;

    private LocalBrokerControl(LocalBroker broker, FaultProxy proxy) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.proxy = proxy;
    }

    /** Control of {@code broker}'s process only: restart, kill, freeze. */
    public static LocalBrokerControl of(LocalBroker broker) {
        return new LocalBrokerControl(broker, null);
    }

    /** Control of {@code broker}'s process, and partitions through {@code proxy} (which the drivers connect to). */
    public static LocalBrokerControl of(LocalBroker broker, FaultProxy proxy) {
        return new LocalBrokerControl(broker, Objects.requireNonNull(proxy, "proxy"));
    }

    @Override
    public Set<Fault> supported() {
        EnumSet<Fault> faults = EnumSet.of(Fault.RESTART, Fault.KILL, Fault.FREEZE);
        if (proxy != null) {
            faults.add(Fault.PARTITION);
        }
        return faults;
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
        if (proxy == null) {
            BrokerControl.super.cut();
        }
        proxy.cut();
    }

    @Override
    public void restore() {
        if (proxy == null) {
            BrokerControl.super.restore();
        }
        proxy.restore();
    }
}
