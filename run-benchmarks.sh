#!/usr/bin/env bash
# Builds the benchmarks module and runs every benchmark: Switchboard against the raw clients on local Redis and NATS
# servers that it starts (and stops) itself. Results: benchmarks/target/results/ (summary.csv, latency.csv,
# summary.md, summary.png). Options are passed on, e.g. --short (tiny counts), --only in-memory,redis-streams.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java
require_maven
require_brokers

mvn -B -q package -pl benchmarks -am -Dmaven.test.skip=true
exec java -Xms1g -Xmx1g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.switchboard.benchmarks.BenchmarkMain "$@"
