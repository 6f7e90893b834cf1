package io.switchboard.brokers;

import io.switchboard.brokers.internal.BrokerProcess;
import io.switchboard.brokers.internal.ProcessBackedBroker;
import io.switchboard.brokers.internal.ProcessRegistry;
import io.switchboard.brokers.internal.ServerClasspath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker in KRaft mode (one node that is broker and controller) in its own JVM on 127.0.0.1:
 * {@code new KafkaServer(KafkaOptions.defaults()).start()}, then clients use {@link #bootstrapServers()}.
 *
 * <p>The server runs from the {@code org.apache.kafka:kafka_2.13} jars the build resolved (module
 * {@code local-brokers-kafka-runtime}), never from the caller's classpath, with {@code -XX:+UseSerialGC
 * -XX:TieredStopAtLevel=1 -Xmx256m}. The first start formats the storage (a second, short JVM); later starts reuse
 * it, so topics and committed offsets survive {@link #stop()} and {@link #kill()}. A short broker session (2 s)
 * lets a restart after {@code kill -9} register again within seconds. Output, Kafka's log4j2 log included, goes to
 * {@code server.log} in the data directory; the server is ready when that log says "Kafka Server started".
 *
 * <p>Behind a {@link FaultProxy}, Kafka must advertise the proxy, or clients bypass it after their first metadata
 * request. Choose the broker's port first, put the proxy in front of it, advertise the proxy:
 * <pre>{@code
 * int port = LocalBroker.freePort();
 * FaultProxy proxy = FaultProxy.to("127.0.0.1", port);
 * KafkaServer kafka = new KafkaServer(KafkaOptions.defaults().withPort(port).withAdvertisedPort(proxy.port())).start();
 * // kafka.bootstrapServers() is the proxy's address
 * }</pre>
 */
public final class KafkaServer extends ProcessBackedBroker {

    static final String READY_LINE = "Kafka Server started";
    private static final String LOG_FILE = "server.log";
    private static final List<String> JVM_OPTIONS = List.of("-Xms128m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    // To standard output, which the process redirect appends to server.log: one file then holds the JVM's own
    // errors (a missing class, a bad option) as well as Kafka's log lines.
    private static final String LOG4J2_PROPERTIES = String.join("\n",
            "appender.out.type = Console",
            "appender.out.name = OUT",
            "appender.out.target = SYSTEM_OUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.out.ref = OUT",
            "");

    private final int advertisedPort;
    private final int controllerPort;

    public KafkaServer(KafkaOptions options) {
        this(options, ServerClasspath.resolve("kafka", options.classpath()),
                options.port() != 0 ? options.port() : BrokerProcess.freePort());
    }

    private KafkaServer(KafkaOptions options, List<Path> classpath, int port) {
        this(options, classpath, port, controllerPort(port));
    }

    private KafkaServer(KafkaOptions options, List<Path> classpath, int port, int controllerPort) {
        super(new BrokerProcess("kafka", port, LOG_FILE, options.startTimeout(),
                (socket, log) -> log.read().contains(READY_LINE),
                (brokerPort, data) -> prepare(options, classpath, brokerPort, controllerPort, data)), "kafka");
        this.advertisedPort = options.advertisedPort() != 0 ? options.advertisedPort() : port;
        this.controllerPort = controllerPort;
    }

    /** The controller's port must be known before the storage is formatted: it is in the voter string. */
    private static int controllerPort(int brokerPort) {
        int port = BrokerProcess.freePort();
        while (port == brokerPort) {
            port = BrokerProcess.freePort();
        }
        return port;
    }

    private static List<String> prepare(KafkaOptions options, List<Path> classpath, int port, int controllerPort,
                                        Path data) {
        Path properties = data.resolve("server.properties");
        Path log4j = data.resolve("log4j2.properties");
        Path classpathFile = data.resolve("classpath.args");
        int advertised = options.advertisedPort() != 0 ? options.advertisedPort() : port;
        try {
            Files.writeString(properties, serverProperties(port, controllerPort, advertised, data.resolve("data")));
            Files.writeString(log4j, LOG4J2_PROPERTIES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        jvm.add("-Dlog4j2.configurationFile=" + log4j);
        if (!Files.exists(data.resolve("data").resolve("meta.properties"))) {
            format(ServerClasspath.javaCommand(options.java(), jvm, classpath, classpathFile, "kafka.tools.StorageTool",
                    List.of("format", "-t", clusterId(), "-c", properties.toString())), data, options);
        }
        return ServerClasspath.javaCommand(options.java(), jvm, classpath, classpathFile, "kafka.Kafka",
                List.of(properties.toString()));
    }

    /** Formats the storage once per data directory (KRaft needs it), with the output in the server's log. */
    private static void format(List<String> command, Path data, KafkaOptions options) {
        try {
            Process format = new ProcessBuilder(command).directory(data.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve(LOG_FILE).toFile())).start();
            ProcessRegistry.register(format.toHandle()); // killed at JVM exit too, should this JVM end meanwhile
            try {
                awaitFormat(format, data, options);
            } finally {
                ProcessRegistry.unregister(format.toHandle());
            }
        } catch (IOException e) {
            throw new BrokerException("cannot run the Kafka storage tool (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    private static void awaitFormat(Process format, Path data, KafkaOptions options) {
        try {
            if (!format.waitFor(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                format.destroyForcibly().waitFor();
                throw new BrokerException("formatting the Kafka storage in " + data + " took longer than "
                        + options.startTimeout().toMillis() + " ms");
            }
            if (format.exitValue() != 0) {
                throw new BrokerException("formatting the Kafka storage in " + data + " failed with exit code "
                        + format.exitValue());
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted while formatting the Kafka storage", e);
        }
    }

    /** A random cluster id: 16 random bytes, base64url without padding, as {@code StorageTool random-uuid} prints. */
    private static String clusterId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String serverProperties(int port, int controllerPort, int advertisedPort, Path logDirs) {
        String host = BrokerProcess.HOST;
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + host + ":" + controllerPort,
                "listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + host + ":" + advertisedPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + logDirs,
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "# A restart after kill -9 waits for the old broker session to expire (9 s by default).",
                "broker.heartbeat.interval.ms=500",
                "broker.session.timeout.ms=2000",
                "");
    }

    /** {@code 127.0.0.1:PORT} for {@code bootstrap.servers}: the advertised port (the proxy's, when one is used). */
    public String bootstrapServers() {
        return host() + ":" + advertisedPort;
    }

    /** The same as {@link #bootstrapServers()}. */
    @Override
    public String endpoint() {
        return bootstrapServers();
    }

    /** The KRaft controller's port (not for clients). */
    public int controllerPort() {
        return controllerPort;
    }

    @Override
    public KafkaServer start() {
        super.start();
        return this;
    }
}
