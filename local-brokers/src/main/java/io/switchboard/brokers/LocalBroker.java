package io.switchboard.brokers;

import io.switchboard.brokers.internal.BrokerProcess;
import java.nio.file.Path;

/**
 * A real broker run as a local OS process on 127.0.0.1, on a port and data directory that stay the same across
 * restarts. Control methods act only on the process this object started, by its PID. Thread-safe; {@link #close()}
 * is idempotent, and a JVM shutdown hook kills whatever was not closed.
 */
public interface LocalBroker extends AutoCloseable {

    /** Starts the broker, or starts it again on the same port and data after {@link #stop()} or {@link #kill()};
     *  returns once it answers on its client port. Does nothing when it is running. */
    LocalBroker start();

    /** Graceful stop (SIGTERM), waiting for the process to exit; data is kept for a restart. */
    void stop();

    /** Crash (SIGKILL), waiting for the process to be gone; data is kept for a restart. */
    void kill();

    /** Suspends the process (SIGSTOP): connections stay open, nothing is answered. */
    void freeze();

    /** Resumes a frozen process (SIGCONT). */
    void thaw();

    /** The client endpoint, e.g. {@code redis://127.0.0.1:40123}. */
    String endpoint();

    String host();

    int port();

    /** The PID of the running process. */
    long pid();

    boolean isRunning();

    Path dataDirectory();

    /** The last lines of the broker's log. */
    String logTail(int lines);

    /** A port free right now on 127.0.0.1, for choosing a port up front (e.g. Kafka's, behind a {@link FaultProxy}). */
    static int freePort() {
        return BrokerProcess.freePort();
    }

    /** Stops the broker and deletes its data directory. */
    @Override
    void close();
}
