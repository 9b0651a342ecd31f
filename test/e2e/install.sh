#!/usr/bin/env bash
# Installs what the end-to-end test needs on a bare Debian machine: the libraries that
# code-server's native modules build against, ripgrep, Chromium, then code-server and
# playwright-core in this folder (kept apart from the extension's own dependencies).
set -euo pipefail
cd "$(dirname "$0")"

packages=(libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev pkg-config ripgrep chromium)
if ! dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${packages[@]}"
fi

# code-server's postinstall downloads ripgrep unless its cache holds the archive: seed the cache
# with Debian's rg.
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$archive" ]; then
  mkdir -p "$cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$archive" -C "$staging" rg
  rm -rf "$staging"
fi

if [ ! -x node_modules/.bin/code-server ]; then
  export npm_config_yes=true npm_config_unsafe_perm=true
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund
  else
    npm install --no-audit --no-fund
  fi
fi
node_modules/.bin/code-server --version
