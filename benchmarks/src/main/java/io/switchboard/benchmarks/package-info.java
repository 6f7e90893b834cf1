/**
 * The benchmark harness: Switchboard against the raw clients on the same local brokers in the same run
 * ({@link io.switchboard.benchmarks.BenchmarkMain}); one {@link io.switchboard.benchmarks.BenchmarkFixture} per driver.
 */
package io.switchboard.benchmarks;
