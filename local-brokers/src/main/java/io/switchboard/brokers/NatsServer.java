package io.switchboard.brokers;

import io.switchboard.brokers.internal.BrokerProcess;
import io.switchboard.brokers.internal.ProcessBackedBroker;
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
public final class NatsServer extends ProcessBackedBroker {

    private static final Path DEFAULT_BINARY = Path.of("/usr/sbin/nats-server");

    private final int monitorPort;

    public NatsServer(NatsOptions options) {
        this(options, options.monitor() ? BrokerProcess.freePort() : 0);
    }

    private NatsServer(NatsOptions options, int monitorPort) {
        super(process(options, monitorPort), "nats");
        this.monitorPort = monitorPort;
    }

    private static BrokerProcess process(NatsOptions options, int monitorPort) {
        Path binary = BrokerProcess.executable(options.binary(), DEFAULT_BINARY, "nats-server", "nats-server");
        return new BrokerProcess("nats-server", options.port(), "nats.log", options.startTimeout(),
                (socket, log) -> info(socket), (port, data) -> command(binary, port, data, monitorPort));
    }

    // Output goes to nats.log through the process redirect rather than -l, so start-up failures land there too.
    private static List<String> command(Path binary, int port, Path data, int monitorPort) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "-a", BrokerProcess.HOST, "-p", Integer.toString(port),
                "-js", "-sd", data.resolve("js").toString()));
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
        super.start();
        return this;
    }
}
