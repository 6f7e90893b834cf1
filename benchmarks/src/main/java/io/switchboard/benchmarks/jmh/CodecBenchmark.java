package io.switchboard.benchmarks.jmh;

import io.switchboard.Event;
import io.switchboard.benchmarks.BenchData;
import io.switchboard.json.JsonEventCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The JSON envelope codec (publisher-json): encode and decode of an event whose envelope is about the payload size. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    @Param({"256", "4096"})
    public int payloadBytes;

    private JsonEventCodec codec;
    private Event<BenchData> event;
    private byte[] encoded;

    @Setup
    public void setUp() {
        codec = new JsonEventCodec();
        int overhead = codec.encode(Event.of("bench.codec.measured", new BenchData(100_000, ""))).length;
        event = Event.of("bench.codec.measured", new BenchData(100_000, "x".repeat(Math.max(0, payloadBytes - overhead))));
        encoded = codec.encode(event);
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(event);
    }

    @Benchmark
    public Event<BenchData> decode() {
        return codec.decode(encoded, BenchData.class);
    }
}
