#!/usr/bin/env bash
# Prepares a machine for the tests: the command-line peers they drive (logger, kcat, curl, openssl,
# mosquitto, syslog-ng, zstd, chromium for the API docs page test; Debian's rsyslog conflicts with syslog-ng, and syslog-ng also covers TLS and
# Kafka for the benchmark) and the Java toolchain that runs Kafka and OpenSearch, from Debian packages and only when missing; then
# caches the Maven artifacts so that the first integration test does not pay for the download.
# Idempotent: a second run installs nothing and downloads nothing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# command -> Debian package that provides it
declare -A PACKAGE_FOR=(
  [logger]=bsdutils
  [kcat]=kcat
  [curl]=curl
  [openssl]=openssl
  [mosquitto]=mosquitto
  [mosquitto_pub]=mosquitto-clients
  [syslog-ng]=syslog-ng-core
  [zstd]=zstd
  [java]=openjdk-17-jdk-headless
  [javac]=openjdk-17-jdk-headless
  [mvn]=maven
  [chromium]=chromium
)

missing=()
for command in "${!PACKAGE_FOR[@]}"; do
  if ! command -v "$command" >/dev/null 2>&1; then
    missing+=("${PACKAGE_FOR[$command]}")
  fi
done

# plug-ins without a command of their own
for package in syslog-ng-mod-rdkafka; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: need root (or sudo) to install: ${packages[*]}" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  echo "setup: installing ${packages[*]}"
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: apt-get failed while installing ${packages[*]}" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
fi

node --import tsx tools/infra/src/cli.ts fetch >/dev/null
echo "setup: ready (Kafka and OpenSearch artifacts cached in ${SIEM_INFRA_HOME:-$HOME/.cache/siem-infra})"
