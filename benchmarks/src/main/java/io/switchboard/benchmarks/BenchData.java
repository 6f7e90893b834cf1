package io.switchboard.benchmarks;

/** The data of a benchmark event: its sequence number in the run, and filler up to the payload size. */
public record BenchData(long seq, String blob) {
}
