#!/usr/bin/env bash
# Builds the benchmarks module and runs every benchmark: Switchboard against the raw clients on local Redis and NATS
# servers that it starts (and stops) itself. Results: benchmarks/target/results/ (summary.csv, latency.csv, cpu.csv,
# summary.md, summary.png). Options are passed on, e.g. --short (tiny counts), --only in-memory,redis-streams.
# Extra JVM options for the benchmark JVM go in BENCH_JVM_OPTS (split on spaces), e.g. a flight recording:
#   BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile" ./run-benchmarks.sh --only in-memory
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java
require_maven
require_brokers

mvn -B -q package -pl benchmarks -am -Dmaven.test.skip=true
# shellcheck disable=SC2086 # word splitting of BENCH_JVM_OPTS is intended
exec java -Xms1g -Xmx1g ${BENCH_JVM_OPTS:-} -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.switchboard.benchmarks.BenchmarkMain "$@"
