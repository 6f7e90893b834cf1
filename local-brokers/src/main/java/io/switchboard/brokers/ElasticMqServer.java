package io.switchboard.brokers;

import io.switchboard.brokers.internal.BrokerProcess;
import io.switchboard.brokers.internal.ProcessBackedBroker;
import io.switchboard.brokers.internal.ServerClasspath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real ElasticMQ server (SQS-compatible, {@code org.elasticmq:elasticmq-server_2.13}) in its own JVM on
 * 127.0.0.1, region {@code us-east-1}, account {@code 000000000000}: {@code new ElasticMqServer(
 * ElasticMqOptions.defaults()).start()}, then point an SQS client's endpoint override at {@link #endpoint()}
 * ({@code http://127.0.0.1:PORT}; any credentials are accepted).
 *
 * <p>The server runs from the jars the build resolved (module {@code local-brokers-elasticmq-runtime}), never from
 * the caller's classpath, so stop, {@code kill -9}, freeze and thaw act on a real process as for the other brokers.
 * <strong>ElasticMQ keeps queues and messages in memory:</strong> a restart, graceful or not, starts with no queues
 * at all; only the port stays the same. Its output goes to {@code elasticmq.log} in the data directory; it is ready
 * when that log says it started.
 */
public final class ElasticMqServer extends ProcessBackedBroker {

    private static final String READY_LINE = "started in";
    private static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    public ElasticMqServer(ElasticMqOptions options) {
        this(options, ServerClasspath.resolve("elasticmq", options.classpath()));
    }

    private ElasticMqServer(ElasticMqOptions options, List<Path> classpath) {
        super(new BrokerProcess("elasticmq", options.port(), "elasticmq.log", options.startTimeout(),
                (socket, log) -> log.read().contains(READY_LINE),
                (port, data) -> prepare(options, classpath, port, data)), "http");
    }

    private static List<String> prepare(ElasticMqOptions options, List<Path> classpath, int port, Path data) {
        Path conf = data.resolve("elasticmq.conf");
        try {
            Files.writeString(conf, configuration(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ServerClasspath.javaCommand(options.java(),
                concat(JVM_OPTIONS, "-Dconfig.file=" + conf), classpath, data.resolve("classpath.args"),
                "org.elasticmq.server.Main", List.of());
    }

    // The defaults bind 0.0.0.0:9324 with region "elasticmq"; the region also goes into queue ARNs.
    private static String configuration(int port) {
        String host = BrokerProcess.HOST;
        return String.join("\n",
                "include classpath(\"application.conf\")",
                "node-address { protocol = \"http\", host = \"" + host + "\", port = " + port + ", context-path = \"\" }",
                "rest-sqs { enabled = true, bind-port = " + port + ", bind-hostname = \"" + host
                        + "\", sqs-limits = strict }",
                "rest-stats { enabled = false }",
                "generate-node-address = false",
                "aws { region = \"us-east-1\", accountId = \"000000000000\" }",
                "");
    }

    private static List<String> concat(List<String> list, String element) {
        List<String> all = new java.util.ArrayList<>(list);
        all.add(element);
        return all;
    }

    /** The AWS region the server reports, and the one clients should use. */
    public String region() {
        return "us-east-1";
    }

    @Override
    public ElasticMqServer start() {
        super.start();
        return this;
    }
}
