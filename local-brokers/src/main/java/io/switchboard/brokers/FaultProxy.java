package io.switchboard.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-JVM TCP proxy on 127.0.0.1 (an ephemeral port) in front of a broker, to cut or stall the connections of the
 * clients that go through it: {@code FaultProxy.to(broker)}, then connect clients to {@link #endpoint(String)}.
 * Two daemon threads copy the bytes of each connection. Thread-safe; {@link #close()} is idempotent.
 */
public final class FaultProxy implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FaultProxy.class.getName());

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean cut;
    private volatile boolean stalled;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fault-proxy-" + server.getLocalPort() + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of the broker's client port. */
    public static FaultProxy to(LocalBroker broker) {
        return to(broker.host(), broker.port());
    }

    /** A proxy in front of {@code host:port}. */
    public static FaultProxy to(String host, int port) {
        try {
            return new FaultProxy(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new BrokerException("cannot open a proxy port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:PORT} of the proxy, e.g. {@code endpoint("redis")}. */
    public String endpoint(String scheme) {
        return scheme + "://" + host() + ":" + port();
    }

    /** Closes every current connection (clients see the broker drop) and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        closeConnections();
    }

    /** Accepts and forwards connections again after {@link #cut()}. */
    public void restore() {
        cut = false;
    }

    /** Stops forwarding bytes in both directions without closing anything: requests go unanswered. */
    public void stall() {
        stalled = true;
    }

    /** Forwards again after {@link #stall()}, including the bytes held meanwhile. */
    public void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    /** The number of client connections currently forwarded. */
    public int connections() {
        return sockets.size() / 2;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing a listening socket does not fail in practice; nothing to recover.
        }
        resume();
        closeConnections();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "fault proxy stopped accepting", e);
                }
                return;
            }
            if (cut) {
                quietlyClose(client); // "refused": the client sees the connection closed at once
                continue;
            }
            Socket upstream = new Socket();
            try {
                // No Nagle on either side: the pumps write what they read at once, and a delayed send of a
                // reply's last partial segment (waiting for the peer's delayed ACK, ~40 ms) would slow every round
                // trip through the proxy, which a direct connection does not.
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 2000);
            } catch (IOException e) {
                quietlyClose(client); // the broker is down: the client sees that too
                quietlyClose(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitNotStalled(from);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // The connection ended (cut, closed or broken): close both sides below.
            } finally {
                quietlyClose(from);
                quietlyClose(to);
            }
        }, "fault-proxy-" + port() + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitNotStalled(Socket from) throws InterruptedException, SocketException {
        synchronized (gate) {
            while (stalled && !closed && !from.isClosed()) {
                gate.wait(100); // wakes up to notice a cut during a stall
            }
        }
        if (closed || from.isClosed()) {
            throw new SocketException("connection closed by the proxy");
        }
    }

    private void closeConnections() {
        for (Socket socket : Set.copyOf(sockets)) {
            quietlyClose(socket);
        }
    }

    private void quietlyClose(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed or broken; either way it is gone.
        }
    }
}
