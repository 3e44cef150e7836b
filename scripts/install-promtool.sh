#!/usr/bin/env bash
# Installs Debian's prometheus package for `promtool check metrics` (test/interop/promtool.test.ts),
# if promtool is not there yet. Idempotent. Needs root (apt-get) otherwise. The package's own
# server is not started: only the promtool binary is used. The test skips, saying so, without it.
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
  echo "promtool already installed: $(promtool --version 2>&1 | head -1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-promtool.sh: promtool is missing and this is not root; run it as root (or with sudo)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# policy-rc.d keeps the package's service from being started inside a container.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update
apt-get install -y --no-install-recommends prometheus
echo "installed: $(promtool --version 2>&1 | head -1)"
