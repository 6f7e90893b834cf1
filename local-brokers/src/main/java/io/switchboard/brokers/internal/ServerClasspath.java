package io.switchboard.brokers.internal;

import io.switchboard.brokers.BrokerException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The jars of a broker that runs in its own JVM (Kafka, ElasticMQ), and the command line that runs it.
 *
 * <p>The build resolves each server with Maven into the local repository and records its jars in a runtime jar
 * ({@code local-brokers-<name>-runtime}): {@code META-INF/switchboard/<name>.classpath} lists them relative to the
 * repository ({@code M2_REPO/...}), {@code <name>.properties} names the artifact and that repository. The server's
 * jars never join the classpath of the JVM that starts it. In order, the first that is given wins:
 * <ol>
 *   <li>the jars in the broker's options;</li>
 *   <li>the system property {@code switchboard.brokers.<name>.classpath} (a {@code :}-separated list of jars);</li>
 *   <li>the recorded list, looked up in the repository of the build that recorded it, then in the repository named
 *       by the system property {@code maven.repo.local}, then in {@code ~/.m2/repository}.</li>
 * </ol>
 */
public final class ServerClasspath {

    /** The command that resolves the servers' jars into the local Maven repository. */
    public static final String RESOLVE_COMMAND = "mvn -B -pl local-brokers -am package -DskipTests";

    private static final String REPOSITORY_PLACEHOLDER = "M2_REPO/";

    private ServerClasspath() {
    }

    /**
     * The server's jars, each checked to exist.
     *
     * @param name       {@code kafka} or {@code elasticmq}: names the resources and the system property
     * @param configured the jars from the options, or {@code null}
     */
    public static List<Path> resolve(String name, List<Path> configured) {
        String property = "switchboard.brokers." + name + ".classpath";
        if (configured != null) {
            return existing(configured, "the " + name + " classpath given in the options");
        }
        String fromProperty = System.getProperty(property);
        if (fromProperty != null && !fromProperty.isBlank()) {
            List<Path> jars = Arrays.stream(fromProperty.split(File.pathSeparator))
                    .filter(s -> !s.isBlank()).map(Path::of).toList();
            return existing(jars, "-D" + property);
        }
        String listResource = "META-INF/switchboard/" + name + ".classpath";
        String propertiesResource = "META-INF/switchboard/" + name + ".properties";
        Optional<String> list = read(listResource);
        Optional<String> properties = read(propertiesResource);
        if (list.isEmpty() || properties.isEmpty()) {
            throw new BrokerException("The " + name + " server's classpath is unknown: " + listResource
                    + " is not on the classpath. Add the dependency io.switchboard:local-brokers-" + name
                    + "-runtime (local-brokers brings it), or name the server's jars with -D" + property + "=<jar:jar:...>");
        }
        Properties recorded = new Properties();
        try {
            recorded.load(new java.io.StringReader(properties.get()));
        } catch (IOException e) {
            throw new BrokerException("cannot read " + propertiesResource + ": " + e.getMessage(), e);
        }
        String artifact = recorded.getProperty("artifact", name);
        List<String> entries = Arrays.stream(list.get().trim().split(":")).filter(s -> !s.isBlank()).toList();
        if (entries.isEmpty()) {
            throw new BrokerException(listResource + " lists no jars; rebuild it: " + RESOLVE_COMMAND);
        }
        Set<Path> repositories = new LinkedHashSet<>();
        Optional.ofNullable(recorded.getProperty("repository")).filter(s -> !s.isBlank()).map(Path::of)
                .ifPresent(repositories::add);
        Optional.ofNullable(System.getProperty("maven.repo.local")).filter(s -> !s.isBlank()).map(Path::of)
                .ifPresent(repositories::add);
        repositories.add(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        String firstMissing = null;
        for (Path repository : repositories) {
            List<Path> jars = new ArrayList<>();
            for (String entry : entries) {
                String relative = entry.startsWith(REPOSITORY_PLACEHOLDER)
                        ? entry.substring(REPOSITORY_PLACEHOLDER.length()) : entry;
                jars.add(repository.resolve(relative));
            }
            Optional<Path> missing = jars.stream().filter(jar -> !Files.isRegularFile(jar)).findFirst();
            if (missing.isEmpty()) {
                return jars;
            }
            if (firstMissing == null) {
                firstMissing = missing.get().toString();
            }
        }
        throw new BrokerException("The jars of " + artifact + " are not in the Maven repository (looked in "
                + repositories + "; missing, for one, " + firstMissing + "). Run `" + RESOLVE_COMMAND
                + "` (with the same -Dmaven.repo.local, if any) to resolve them, or name the jars with -D" + property);
    }

    private static List<Path> existing(List<Path> jars, String source) {
        if (jars.isEmpty()) {
            throw new BrokerException(source + " is empty: name the server's jars");
        }
        List<Path> missing = jars.stream().filter(jar -> !Files.exists(jar)).toList();
        if (!missing.isEmpty()) {
            throw new BrokerException("Jars of " + source + " do not exist: " + missing + ". Run `" + RESOLVE_COMMAND
                    + "` to resolve the servers' jars into the Maven repository, or fix the list");
        }
        return List.copyOf(jars);
    }

    private static Optional<String> read(String resource) {
        ClassLoader loader = ServerClasspath.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BrokerException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code java <jvm options> @<argument file> <main> <arguments>}, with the Java that runs this JVM unless one is
     * given. The classpath goes into the argument file (written here): a command line of 50 jar paths would hide the
     * main class from {@code ps} and {@code pgrep -f}, which show only its first 4 KiB.
     */
    public static List<String> javaCommand(Path java, List<String> jvmOptions, List<Path> classpath, Path argumentFile,
                                           String mainClass, List<String> arguments) {
        Path executable = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(executable)) {
            throw new BrokerException("java not found at " + executable + ": name a Java 17+ executable in the options");
        }
        String jars = String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList());
        try {
            Files.writeString(argumentFile, "-cp\n\"" + jars.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n");
        } catch (IOException e) {
            throw new BrokerException("cannot write " + argumentFile + ": " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(jvmOptions);
        command.add("@" + argumentFile);
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }
}
