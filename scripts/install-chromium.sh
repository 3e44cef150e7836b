#!/usr/bin/env bash
# Installs Debian's chromium for the browser test (test/browser/), if it is not there yet.
# Idempotent: does nothing when /usr/bin/chromium exists. Needs root (apt-get) otherwise.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium.sh: /usr/bin/chromium is missing and this is not root; run it as root (or with sudo)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
echo "installed: $(/usr/bin/chromium --version)"
