package io.switchboard.brokers.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Every broker process started by this JVM and every data directory not yet deleted. A shutdown hook kills the
 * processes (by PID) and deletes the directories, so a test run that forgets to close, fails or is interrupted
 * leaves nothing behind. (A JVM killed with SIGKILL runs no hook; nothing can help there.)
 */
public final class ProcessRegistry {

    private static final Set<ProcessHandle> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::killAll, "switchboard-local-brokers-cleanup"));
    }

    private ProcessRegistry() {
    }

    public static void register(ProcessHandle process) {
        PROCESSES.add(process);
    }

    public static void unregister(ProcessHandle process) {
        PROCESSES.remove(process);
    }

    static void registerDirectory(Path directory) {
        DIRECTORIES.add(directory);
    }

    static void deleteDirectory(Path directory) {
        deleteRecursively(directory);
        DIRECTORIES.remove(directory);
    }

    /** The processes started and not yet stopped. */
    public static Set<ProcessHandle> running() {
        PROCESSES.removeIf(p -> !p.isAlive());
        return Set.copyOf(PROCESSES);
    }

    /** What the shutdown hook does: kills every registered process, waits for it, deletes every data directory. */
    public static void killAll() {
        List<ProcessHandle> processes = List.copyOf(PROCESSES);
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Best effort at shutdown: the process got SIGKILL, there is nothing more to do.
            }
            PROCESSES.remove(process);
        }
        List.copyOf(DIRECTORIES).forEach(ProcessRegistry::deleteDirectory);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // A file the broker is still writing; the rest goes, the temp dir is cleaned by the OS later.
                }
            });
        } catch (IOException e) {
            // Same: best effort.
        }
    }
}
