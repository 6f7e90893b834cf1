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

/**
 * A real {@code redis-server} on 127.0.0.1: {@code new RedisServer(RedisOptions.aofAlways()).start()}. Ready when it
 * answers PING with PONG. Output goes to {@code redis.log} in its data directory.
 */
public final class RedisServer implements LocalBroker {

    private static final Path DEFAULT_BINARY = Path.of("/usr/bin/redis-server");

    private final BrokerProcess process;

    public RedisServer(RedisOptions options) {
        Path binary = BrokerProcess.executable(options.binary(), DEFAULT_BINARY, "redis-server", "redis-server");
        this.process = new BrokerProcess("redis-server", options.port(), "redis.log", options.startTimeout(),
                RedisServer::pong, port -> command(binary, port, options));
    }

    private List<String> command(Path binary, int port, RedisOptions options) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--bind", BrokerProcess.HOST, "--port", Integer.toString(port),
                "--dir", process.dataDirectory().toString(), "--save", "", "--daemonize", "no"));
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
        return "redis://" + host() + ":" + port();
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
        return "RedisServer[" + endpoint() + "]";
    }
}
