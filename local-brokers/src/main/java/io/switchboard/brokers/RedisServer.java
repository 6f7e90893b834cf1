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

/**
 * A real {@code redis-server} on 127.0.0.1: {@code new RedisServer(RedisOptions.aofAlways()).start()}. Ready when it
 * answers PING with PONG. Output goes to {@code redis.log} in its data directory.
 */
public final class RedisServer extends ProcessBackedBroker {

    private static final Path DEFAULT_BINARY = Path.of("/usr/bin/redis-server");

    public RedisServer(RedisOptions options) {
        super(process(options), "redis");
    }

    private static BrokerProcess process(RedisOptions options) {
        Path binary = BrokerProcess.executable(options.binary(), DEFAULT_BINARY, "redis-server", "redis-server");
        return new BrokerProcess("redis-server", options.port(), "redis.log", options.startTimeout(),
                (socket, log) -> pong(socket), (port, data) -> command(binary, port, data, options));
    }

    private static List<String> command(Path binary, int port, Path data, RedisOptions options) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--bind", BrokerProcess.HOST, "--port", Integer.toString(port),
                "--dir", data.toString(), "--save", "", "--daemonize", "no"));
        switch (options.persistence()) {
            case NONE -> command.addAll(List.of("--appendonly", "no"));
            case AOF_ALWAYS -> command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
        }
        return command;
    }

    private static boolean pong(Socket socket) throws IOException {
        socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        var reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        return "+PONG".equals(reader.readLine());
    }

    @Override
    public RedisServer start() {
        super.start();
        return this;
    }
}
