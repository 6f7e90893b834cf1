package io.switchboard.benchmarks.jmh;

import io.switchboard.EventPattern;
import io.switchboard.EventType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Event type validation, done on every publish, and pattern matching, done per delivery by some drivers. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventTypeBenchmark {

    // Fields, not constants, so the JIT cannot fold the validation away.
    public String validType = "billing.invoice.issued";
    public String invalidType = "Billing.Invoice";
    public EventPattern pattern = EventPattern.of("billing.*.issued");

    @Benchmark
    public EventType validateValidType() {
        return EventType.of(validType);
    }

    @Benchmark
    public boolean rejectInvalidType() {
        return EventType.isValid(invalidType);
    }

    @Benchmark
    public boolean matchPattern() {
        return pattern.matches(validType);
    }
}
