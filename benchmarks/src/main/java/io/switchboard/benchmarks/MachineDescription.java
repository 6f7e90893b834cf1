package io.switchboard.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the figures were measured on: cores, CPU model, RAM, JDK, OS, broker versions, and the load. */
final class MachineDescription {

    private MachineDescription() {
    }

    static Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        d.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        d.put("ram", memory > 0 ? String.format("%.1f GiB", memory / (1024.0 * 1024 * 1024)) : "unknown");
        d.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")");
        d.put("jvm heap (-Xmx)", (Runtime.getRuntime().maxMemory() / (1024 * 1024)) + " MiB");
        d.put("os", firstValue(Path.of("/etc/os-release"), "PRETTY_NAME").map(v -> v.replace("\"", "") + ", ")
                .orElse("") + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        d.put("redis-server", command("/usr/bin/redis-server", "--version"));
        d.put("nats-server", command("/usr/sbin/nats-server", "--version"));
        d.put("load average at start", loadAverage());
        return d;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int sep = line.indexOf(line.contains(":") ? ':' : '=');
                if (sep > 0 && line.substring(0, sep).trim().equals(key)) {
                    return java.util.Optional.of(line.substring(sep + 1).trim());
                }
            }
        } catch (IOException e) {
            // not Linux: reported as unknown
        }
        return java.util.Optional.empty();
    }

    private static String command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return out.isEmpty() ? "unknown" : out.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
