#!/usr/bin/env bash
# test-real.sh — the tests under test/real against the real tools: installs what is missing, starts
# the selected tools (REAL_TOOLS, default all six), runs `vitest --config test/real/vitest.config.ts`,
# and always stops what it started (a tool that was already running is left running).
#
#   bash scripts/test-real.sh                      # everything
#   REAL_TOOLS="prometheus alertmanager" bash scripts/test-real.sh test/real/monitors.real.test.ts
set -euo pipefail
cd "$(dirname "$0")/.."
export REAL_TOOLS=${REAL_TOOLS:-"alertmanager prometheus icinga zabbix mediawiki rt"}
export REAL_TOOLS_WORK=${REAL_TOOLS_WORK:-/tmp/servicegraph-real}

bash scripts/real-tools.sh install

already=" $(bash scripts/real-tools.sh running | tr '\n' ' ') "
started=""
for s in $REAL_TOOLS; do
  case "$already" in *" $s "*) ;; *) started="$started $s" ;; esac
done
cleanup() {
  if [ -n "${started// /}" ]; then REAL_TOOLS="$started" bash scripts/real-tools.sh stop || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -n "${started// /}" ]; then REAL_TOOLS="$started" bash scripts/real-tools.sh start; fi

# The endpoints the tests read (REAL_PROMETHEUS_URL, REAL_ICINGA_CA, …).
while IFS= read -r line; do export "${line?}"; done < <(bash scripts/real-tools.sh env)

npx vitest run --config test/real/vitest.config.ts "$@"
