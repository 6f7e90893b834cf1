package io.switchboard.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * CPU time used by this JVM (publisher, consumer, client threads, JIT and GC) and by the brokers' processes. On a
 * machine where the client and the broker share the cores, throughput follows the CPU spent per event, so these
 * figures say where a difference between Switchboard and the raw client comes from, however noisy the rates are.
 */
final class CpuMeter {

    /** Ticks per second of {@code /proc/<pid>/stat} ({@code USER_HZ}, 100 on Linux for every architecture here). */
    private static final long USER_HZ = 100;

    /** CPU nanoseconds used so far by this JVM and by the brokers. */
    record Reading(long clientNanos, long brokerNanos) {

        /** What was used since {@code earlier}, per event, in microseconds; negative where it is unknown. */
        Usage perEventSince(Reading earlier, long events) {
            return new Usage(perEvent(clientNanos, earlier.clientNanos, events),
                    perEvent(brokerNanos, earlier.brokerNanos, events));
        }

        private static double perEvent(long now, long before, long events) {
            return now < 0 || before < 0 || events <= 0 ? -1 : (now - before) / 1_000.0 / events;
        }
    }

    /** CPU µs per event of the client JVM and of the brokers; negative where it could not be read. */
    record Usage(double clientMicros, double brokerMicros) {
        static final Usage UNKNOWN = new Usage(-1, -1);
    }

    private final LongSupplier brokerNanos;

    CpuMeter(LongSupplier brokerNanos) {
        this.brokerNanos = brokerNanos;
    }

    /** A meter of this JVM only (no broker), e.g. for the in-memory driver. */
    static CpuMeter clientOnly() {
        return new CpuMeter(() -> 0);
    }

    Reading read() {
        return new Reading(processNanos(), brokerNanos.getAsLong());
    }

    /** CPU time of this JVM, all threads, in nanoseconds; -1 if the JVM does not report it. */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * CPU time (user + system, threads that ended included) of the process {@code pid} from {@code /proc}, in
     * nanoseconds with a resolution of 10 ms; -1 where {@code /proc} is not readable (not Linux).
     */
    static long processNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            return ticks * (1_000_000_000L / USER_HZ);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
