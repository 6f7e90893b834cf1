package io.switchboard.brokers.internal;

import io.switchboard.brokers.BrokerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * One broker as a child process: started with a {@link ProcessBuilder} (no shell), output appended to a log file in
 * its data directory, ready when its client port answers the probe. Controls only the PID it started.
 */
public final class BrokerProcess {

    /**
     * Checks, on a freshly connected socket, that the broker speaks its protocol, or (for brokers that open their
     * port before they can serve) that its log since this start says it is ready.
     */
    @FunctionalInterface
    public interface ReadinessProbe {
        boolean ready(Socket socket, LogSinceStart log) throws IOException;
    }

    /** What the broker wrote to its log file since the current start. */
    @FunctionalInterface
    public interface LogSinceStart {
        String read() throws IOException;
    }

    public static final String HOST = "127.0.0.1";
    private static final int LOG_TAIL_LINES = 20;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final BiFunction<Integer, Path, List<String>> command;
    private final ReadinessProbe probe;
    private final Duration startTimeout;
    private final String logFileName;
    private final int requestedPort;

    private Path dataDirectory;
    private int port;
    private Process process;
    private long logOffsetAtStart;
    private boolean frozen;
    private boolean closed;

    /**
     * @param name        the executable's name, used in messages
     * @param command     the command line for a given client port and data directory; called on every start, it may
     *                    prepare the directory first (write configuration, format storage), failing with a
     *                    {@link BrokerException} (the log tail is added to its message)
     * @param logFileName the file in the data directory that receives the process output
     */
    public BrokerProcess(String name, int requestedPort, String logFileName, Duration startTimeout,
                         ReadinessProbe probe, BiFunction<Integer, Path, List<String>> command) {
        this.name = name;
        this.requestedPort = requestedPort;
        this.logFileName = logFileName;
        this.startTimeout = startTimeout;
        this.probe = probe;
        this.command = command;
    }

    /** Resolves an executable: the configured path, else the default absolute path, else the PATH. */
    public static Path executable(Path configured, Path defaultPath, String name, String packageName) {
        String install = " install it with `apt-get install -y " + packageName + "` (the README's commands do it)";
        if (configured != null) {
            if (Files.isExecutable(configured)) {
                return configured;
            }
            throw new BrokerException(name + " not found at " + configured + ":" + install);
        }
        if (Files.isExecutable(defaultPath)) {
            return defaultPath;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name);
                }
            }
        }
        throw new BrokerException(name + " not found:" + install);
    }

    /** A port free right now on the loopback interface. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new BrokerException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /** The data directory, created on first use; kept across restarts. */
    public synchronized Path dataDirectory() {
        if (dataDirectory == null) {
            try {
                dataDirectory = Files.createTempDirectory("switchboard-" + name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ProcessRegistry.registerDirectory(dataDirectory);
        }
        return dataDirectory;
    }

    /** The client port, chosen on first use; kept across restarts. */
    public synchronized int port() {
        if (port == 0) {
            port = requestedPort != 0 ? requestedPort : freePort();
        }
        return port;
    }

    public synchronized void start() {
        if (closed) {
            throw new BrokerException(name + " was closed; create a new one");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        Path log = dataDirectory().resolve(logFileName);
        List<String> commandLine;
        try {
            commandLine = command.apply(port(), dataDirectory());
        } catch (BrokerException e) {
            throw new BrokerException(e.getMessage() + "; last lines of " + log + ":\n" + logTail(LOG_TAIL_LINES), e);
        }
        try {
            logOffsetAtStart = Files.exists(log) ? Files.size(log) : 0;
            process = new ProcessBuilder(commandLine)
                    .directory(dataDirectory().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new BrokerException("cannot start " + name + " (" + commandLine + "): " + e.getMessage(), e);
        }
        frozen = false;
        ProcessRegistry.register(process.toHandle());
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        do {
            if (!process.isAlive()) {
                int exit = waitForExit();
                throw failure(name + " exited with code " + exit + " before it became ready on " + HOST + ":" + port);
            }
            if (answers()) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new BrokerException("interrupted while waiting for " + name + " to start", e);
            }
        } while (System.nanoTime() < deadline);
        process.destroyForcibly();
        waitForExit();
        throw failure(name + " did not become ready on " + HOST + ":" + port + " within " + startTimeout.toMillis()
                + " ms");
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            socket.setSoTimeout(500);
            return probe.ready(socket, this::logSinceStart);
        } catch (IOException e) {
            return false;
        }
    }

    private String logSinceStart() throws IOException {
        Path log = dataDirectory().resolve(logFileName);
        if (!Files.exists(log)) {
            return "";
        }
        try (var channel = Files.newByteChannel(log)) {
            channel.position(logOffsetAtStart);
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private BrokerException failure(String message) {
        ProcessRegistry.unregister(process.toHandle());
        process = null;
        return new BrokerException(message + "; last lines of " + dataDirectory().resolve(logFileName) + ":\n"
                + logTail(LOG_TAIL_LINES));
    }

    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (!process.isAlive()) { // killed meanwhile (e.g. by the shutdown hook's registry)
            ended();
            return;
        }
        if (frozen) {
            thaw(); // a stopped process cannot handle SIGTERM
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        ended();
    }

    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly(); // SIGKILL ends a frozen process too
        ended();
    }

    private void ended() {
        waitForExit();
        ProcessRegistry.unregister(process.toHandle());
        process = null;
        frozen = false;
    }

    private int waitForExit() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public synchronized void freeze() {
        signal("-STOP");
        frozen = true;
    }

    public synchronized void thaw() {
        signal("-CONT");
        frozen = false;
    }

    private void signal(String signal) {
        long pid = pid();
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (kill.waitFor() != 0) {
                throw new BrokerException("kill " + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new BrokerException("cannot run kill " + signal + " " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted while sending " + signal + " to " + pid, e);
        }
    }

    public synchronized long pid() {
        if (process == null) {
            throw new BrokerException(name + " is not running");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        if (dataDirectory != null) {
            ProcessRegistry.deleteDirectory(dataDirectory);
        }
    }

    public synchronized String logTail(int lines) {
        if (dataDirectory == null) {
            return "";
        }
        Path log = dataDirectory.resolve(logFileName);
        try {
            if (!Files.exists(log)) {
                return "(no log written)";
            }
            String[] all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\\R");
            String tail = String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
            return tail.isBlank() ? "(log is empty)" : tail;
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
