# Sourced by the root scripts: makes sure the tools they need are installed, installing what is missing.
# Java 17+ and Maven are expected on the machine; Maven is installed with apt-get when it is absent and we are root.

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
