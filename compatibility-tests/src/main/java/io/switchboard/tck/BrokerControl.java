package io.switchboard.tck;

import java.util.Set;

/**
 * Faults the kit can inject into the broker behind a fixture's drivers, for the broker-fault scenarios. A fixture
 * implements what its broker supports and lists it in {@link #supported()}; scenarios needing something else report
 * "infrastructure missing". Every method returns once the broker is in the stated state (stopped, or ready again).
 */
public interface BrokerControl {

    enum Fault {
        /** {@link #stop()} and {@link #start()}: graceful, data kept. */
        RESTART,
        /** {@link #kill()}: SIGKILL, then {@link #start()} with the same data. */
        KILL,
        /** {@link #freeze()} / {@link #thaw()}: the process stops answering (SIGSTOP / SIGCONT). */
        FREEZE,
        /** {@link #cut()} / {@link #restore()}: connections between clients and broker are cut (a partition). */
        PARTITION
    }

    Set<Fault> supported();

    default void stop() {
        throw new UnsupportedOperationException("stop");
    }

    default void kill() {
        throw new UnsupportedOperationException("kill");
    }

    /** Starts the broker again on the same address and data. */
    default void start() {
        throw new UnsupportedOperationException("start");
    }

    default void freeze() {
        throw new UnsupportedOperationException("freeze");
    }

    default void thaw() {
        throw new UnsupportedOperationException("thaw");
    }

    default void cut() {
        throw new UnsupportedOperationException("cut");
    }

    default void restore() {
        throw new UnsupportedOperationException("restore");
    }
}
