#!/usr/bin/env bash
# test-browser.sh — the service board in a real browser (npm run test:browser): installs Debian's
# Chromium when it is missing (apt serialised with the other scripts), builds the page and the
# gateway (npm run build), then runs test/browser, which starts the gateway on 127.0.0.1, port 0,
# drives /usr/bin/chromium with playwright-core, and writes a screenshot of every view to
# test/browser/screenshots/.
#
#   bash scripts/test-browser.sh                                  # everything under test/browser
#   bash scripts/test-browser.sh test/browser/audiences.test.ts   # one file
set -euo pipefail
cd "$(dirname "$0")/.."
APT_LOCK=${REAL_TOOLS_APT_LOCK:-/tmp/servicegraph-apt.lock}
log() { printf '[test-browser] %s\n' "$*" >&2; }

if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || { log "installing chromium needs root"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  exec 9> "$APT_LOCK"
  flock 9
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium > /dev/null
  exec 9>&-
fi

log "building the page and the gateway"
npm run --silent build
export APOLLO_TELEMETRY_DISABLED=1
exec npx vitest run --config test/browser/vitest.config.ts "$@"
