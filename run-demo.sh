#!/usr/bin/env bash
# Builds and runs the demo: billing, notifications, audit and a live security dashboard talking through events.
# The driver is EVENT_DRIVER, unset meaning the default hybrid driver; the demo starts the local Redis and NATS it
# needs when no endpoint is configured (REDIS_URL, NATS_URL...). It prints the flow, a summary, and exits.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java
require_maven
require_brokers

echo "Building the demo (the first run downloads dependencies)..."
mvn -B -q -DskipTests -pl demo -am package
exec java -jar demo/target/switchboard-demo-*.jar "$@"
