#!/usr/bin/env bash
# Runs every test of every module (the compatibility kit's smoke profile included).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java
require_maven
require_brokers

exec mvn -B verify "$@"
