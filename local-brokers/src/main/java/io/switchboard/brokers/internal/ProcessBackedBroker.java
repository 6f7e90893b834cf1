package io.switchboard.brokers.internal;

import io.switchboard.brokers.LocalBroker;
import java.nio.file.Path;

/** A {@link LocalBroker} that is one {@link BrokerProcess}: the control methods every local broker shares. */
public abstract class ProcessBackedBroker implements LocalBroker {

    private final BrokerProcess process;
    private final String scheme;

    protected ProcessBackedBroker(BrokerProcess process, String scheme) {
        this.process = process;
        this.scheme = scheme;
    }

    @Override
    public LocalBroker start() {
        process.start();
        return this;
    }

    @Override
    public void stop() {
        process.stop();
    }

    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void freeze() {
        process.freeze();
    }

    @Override
    public void thaw() {
        process.thaw();
    }

    @Override
    public String endpoint() {
        return scheme + "://" + host() + ":" + port();
    }

    @Override
    public String host() {
        return BrokerProcess.HOST;
    }

    @Override
    public int port() {
        return process.port();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isRunning() {
        return process.isRunning();
    }

    @Override
    public Path dataDirectory() {
        return process.dataDirectory();
    }

    @Override
    public String logTail(int lines) {
        return process.logTail(lines);
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + endpoint() + "]";
    }
}
