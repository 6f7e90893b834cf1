#!/usr/bin/env bash
# Builds and runs the demo: billing, notifications, audit and a live security dashboard talking through events.
# The driver is EVENT_DRIVER (in-memory until the hybrid driver lands); it prints the flow, a summary, and exits.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java
require_maven

export EVENT_DRIVER="${EVENT_DRIVER:-in-memory}"
echo "Building the demo (the first run downloads dependencies)..."
mvn -B -q -DskipTests -pl demo -am package
exec java -jar demo/target/switchboard-demo-*.jar "$@"
