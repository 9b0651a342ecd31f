#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine with Node 20: the npm packages,
# the Debian packages that code-server's native modules and the browser need, and code-server
# itself (for the end-to-end test in a real VS Code). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  for pkg in libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev pkg-config ripgrep chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
  if [ "${#need[@]}" -gt 0 ]; then
    echo "setup: installing Debian packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund

if [ -f test/e2e/install.sh ]; then
  echo "setup: code-server for the end-to-end test"
  bash test/e2e/install.sh
fi
