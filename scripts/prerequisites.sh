# Sourced by the root scripts: makes sure the tools they need are installed, installing what is missing.
# Java 17+ and Maven are expected on the machine; Maven is installed with apt-get when it is absent and we are root.
# The brokers the tests start (redis-server, nats-server) are installed the same way.

require_java() {
  if ! command -v java >/dev/null 2>&1; then
    echo "Java 17 or newer is required: install a JDK (e.g. apt-get install -y openjdk-17-jdk-headless)." >&2
    exit 1
  fi
  local version
  version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ -z "$version" ] || [ "${version%%.*}" -lt 17 ]; then
    echo "Java 17 or newer is required, found Java ${version:-unknown}." >&2
    exit 1
  fi
}

require_maven() {
  if command -v mvn >/dev/null 2>&1; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Maven (apt-get)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
  else
    echo "Maven 3.8 or newer is required: install it (e.g. sudo apt-get install -y maven)." >&2
    exit 1
  fi
}

# Tests start real Redis and NATS (JetStream) servers as local processes on 127.0.0.1 with ephemeral ports.
# Installing the packages does not start system services on these machines (policy-rc.d), and the tests never use
# the default ports anyway.
require_brokers() {
  local redis_ok=0 nats_ok=0
  if [ -x /usr/bin/redis-server ] || command -v redis-server >/dev/null 2>&1; then redis_ok=1; fi
  if [ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null 2>&1; then nats_ok=1; fi
  if [ "$redis_ok" = 1 ] && [ "$nats_ok" = 1 ]; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the brokers the tests start (apt-get: redis-server nats-server)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nats-server >/dev/null
  else
    echo "The tests need redis-server and nats-server: install them (e.g. sudo apt-get install -y redis-server nats-server)." >&2
    exit 1
  fi
}
