package io.switchboard.hybrid.internal;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.switchboard.SwitchboardException;
import io.switchboard.hybrid.HybridDriverOptions;
import io.switchboard.hybrid.NatsSecurity;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens a jnats connection for one leg: authentication and TLS from {@link NatsSecurity}, unlimited reconnection
 * with exponential back-off (doubling from {@code reconnectWait} to {@code maxReconnectWait}, with jitter), and the
 * start-up policy: fail fast, or return a connection that keeps trying in the background.
 */
public final class NatsConnector {

    private static final System.Logger LOG = System.getLogger(NatsConnector.class.getName());

    private NatsConnector() {
    }

    /** The state a leg reports as health: the last connection event. */
    public static final class State implements ConnectionListener {
        private final String leg;
        private final AtomicReference<Events> last = new AtomicReference<>(Events.DISCONNECTED);
        private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();

        public State(String leg) {
            this.leg = leg;
        }

        /** Changes whenever the connection drops or comes back. */
        public long epoch() {
            return epoch.get();
        }

        @Override
        public void connectionEvent(Connection conn, Events type) {
            if (type == Events.DISCONNECTED || type == Events.RECONNECTED) {
                epoch.incrementAndGet();
            }
            switch (type) {
                case CONNECTED, RECONNECTED, RESUBSCRIBED -> {
                    Events before = last.getAndSet(Events.CONNECTED);
                    if (before != Events.CONNECTED) {
                        LOG.log(System.Logger.Level.INFO, "{0}: connected to NATS", leg);
                    }
                }
                case DISCONNECTED -> {
                    if (last.getAndSet(type) == Events.CONNECTED) {
                        LOG.log(System.Logger.Level.WARNING, "{0}: disconnected from NATS; reconnecting", leg);
                    }
                }
                case CLOSED -> last.set(type);
                default -> {
                }
            }
        }

        public boolean isConnected(Connection c) {
            return c != null && c.getStatus() == Connection.Status.CONNECTED;
        }
    }

    /**
     * Connects to {@code url} for {@code leg}. With {@code failFast} the connection is made now and an unreachable
     * server fails with {@code UNAVAILABLE}; otherwise a daemon thread keeps trying and the future completes once
     * connected (cancelling it stops the attempts, and a connection made after that is closed).
     */
    public static CompletableFuture<Connection> connect(String leg, String url, HybridDriverOptions options,
            NatsSecurity security, boolean failFast, State state) {
        return connect(leg, url, options, security, failFast, state, null);
    }

    /**
     * As {@link #connect(String, String, HybridDriverOptions, NatsSecurity, boolean, State)}; with a non-null
     * {@code onDiscard}, a publish finding the client's outgoing queue full (a server that stopped reading) is
     * discarded at once and reported there, instead of blocking the publishing thread (jnats' default).
     */
    public static CompletableFuture<Connection> connect(String leg, String url, HybridDriverOptions options,
            NatsSecurity security, boolean failFast, State state, Consumer<Message> onDiscard) {
        Options natsOptions = options(leg, url, options, security, state, onDiscard);
        if (failFast) {
            try {
                return CompletableFuture.completedFuture(Nats.connect(natsOptions));
            } catch (IOException e) {
                throw SwitchboardException.of(SwitchboardException.Reason.UNAVAILABLE, leg + ": cannot connect to "
                        + "NATS at " + HybridDriverOptions.redact(url) + " (" + e.getMessage() + "). Start the "
                        + "server, fix " + HybridDriverOptions.NATS_URL + ", or set " + HybridDriverOptions.STARTUP
                        + "=degraded to start without it", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SwitchboardException.of(SwitchboardException.Reason.INTERRUPTED, leg + ": interrupted while "
                        + "connecting to NATS", e);
            }
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        Thread connecting = new Thread(() -> {
            try {
                Connection c = Nats.connectReconnectOnConnect(natsOptions);
                if (!result.complete(c)) {
                    c.close();
                }
            } catch (InterruptedException e) {
                result.cancel(false);
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "switchboard-connect-" + leg);
        connecting.setDaemon(true);
        result.whenComplete((c, e) -> {
            if (result.isCancelled()) {
                connecting.interrupt();
            }
        });
        LOG.log(System.Logger.Level.WARNING, "{0}: starting degraded; connecting to NATS at {1} in the background",
                leg, HybridDriverOptions.redact(url));
        connecting.start();
        return result;
    }

    private static Options options(String leg, String url, HybridDriverOptions options, NatsSecurity security,
            State state, Consumer<Message> onDiscard) {
        Options.Builder b = new Options.Builder()
                .servers(url.split("\\s*,\\s*"))
                .connectionName("switchboard-" + leg)
                .connectionTimeout(options.connectTimeout())
                .maxReconnects(-1)
                .reconnectWait(options.reconnectWait())
                .reconnectJitter(Duration.ofMillis(Math.max(1, options.reconnectWait().toMillis() / 4)))
                .reconnectDelayHandler(totalTries -> backoff(options, totalTries))
                .connectionListener(state)
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        LOG.log(System.Logger.Level.WARNING, "{0}: NATS error: {1}", leg, error);
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        LOG.log(System.Logger.Level.DEBUG, "{0}: NATS connection exception: {1}", leg,
                                String.valueOf(exp));
                    }

                    @Override
                    public void messageDiscarded(Connection conn, Message msg) {
                        if (onDiscard != null) {
                            onDiscard.accept(msg);
                        }
                    }
                });
        if (onDiscard != null) {
            b.discardMessagesWhenOutgoingQueueFull();
        }
        try {
            applySecurity(b, security);
            return b.build();
        } catch (RuntimeException e) {
            throw SwitchboardException.of(SwitchboardException.Reason.CONFIGURATION, leg + ": invalid NATS "
                    + "connection settings: " + e.getMessage(), e);
        }
    }

    static Duration backoff(HybridDriverOptions options, long totalTries) {
        long base = options.reconnectWait().toMillis();
        long max = options.maxReconnectWait().toMillis();
        long wait = base << Math.min(20, Math.max(0, totalTries - 1));
        return Duration.ofMillis(Math.min(max, wait < 0 ? max : wait));
    }

    private static void applySecurity(Options.Builder b, NatsSecurity s) {
        if (s.token() != null) {
            b.token(s.token().toCharArray());
        }
        if (s.username() != null) {
            b.userInfo(s.username().toCharArray(), s.password().toCharArray());
        }
        if (s.credentialsFile() != null) {
            b.authHandler(Nats.credentials(s.credentialsFile().toString()));
        }
        if (s.truststorePath() != null) {
            b.truststorePath(s.truststorePath().toString());
            if (s.truststorePassword() != null) {
                b.truststorePassword(s.truststorePassword().toCharArray());
            }
        }
        if (s.keystorePath() != null) {
            b.keystorePath(s.keystorePath().toString());
            if (s.keystorePassword() != null) {
                b.keystorePassword(s.keystorePassword().toCharArray());
            }
        }
        if (s.tls() && s.truststorePath() == null && s.keystorePath() == null) {
            try {
                b.sslContext(javax.net.ssl.SSLContext.getDefault());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw SwitchboardException.configuration("TLS is not available in this JVM: " + e.getMessage());
            }
        }
    }
}
