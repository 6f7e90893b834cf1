package io.switchboard.brokers;

import io.switchboard.brokers.internal.BrokerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real {@code nats-server} with JetStream on 127.0.0.1: {@code new NatsServer(NatsOptions.defaults()).start()}.
 * Ready when a connection receives the server's INFO line. JetStream stores in {@code js/} of its data directory;
 * the server's output goes to {@code nats.log} there.
 */
public final class NatsServer implements LocalBroker {

    private static final Path DEFAULT_BINARY = Path.of("/usr/sbin/nats-server");

    private final BrokerProcess process;
    private final int monitorPort;

    public NatsServer(NatsOptions options) {
        Path binary = BrokerProcess.executable(options.binary(), DEFAULT_BINARY, "nats-server", "nats-server");
        this.monitorPort = options.monitor() ? BrokerProcess.freePort() : 0;
        this.process = new BrokerProcess("nats-server", options.port(), "nats.log", options.startTimeout(),
                NatsServer::info, port -> command(binary, port));
    }

    // Output goes to nats.log through the process redirect rather than -l, so start-up failures land there too.
    private List<String> command(Path binary, int port) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "-a", BrokerProcess.HOST, "-p", Integer.toString(port),
                "-js", "-sd", process.dataDirectory().resolve("js").toString()));
        if (monitorPort != 0) {
            command.addAll(List.of("-m", Integer.toString(monitorPort)));
        }
        return command;
    }

    private static boolean info(Socket socket) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line != null && line.startsWith("INFO ");
    }

    /** The HTTP monitor ({@code http://127.0.0.1:PORT}), when the options asked for one. */
    public Optional<String> monitorEndpoint() {
        return monitorPort == 0 ? Optional.empty() : Optional.of("http://" + host() + ":" + monitorPort);
    }

    @Override
    public NatsServer start() {
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
        return "nats://" + host() + ":" + port();
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
        return "NatsServer[" + endpoint() + "]";
    }
}
