#!/usr/bin/env bash
# test-scale.sh — the shared-state tests (test/scale) against a real Redis 7 and PostgreSQL 15 from
# Debian's packages: installs them when missing, starts both on 127.0.0.1 on free ports with their
# data in a temporary directory, runs `vitest --config test/scale/vitest.config.ts`, and always stops
# what it started by process id.
#
#   bash scripts/test-scale.sh                                # everything under test/scale
#   bash scripts/test-scale.sh test/scale/lease.test.ts       # one file
#
# The tests read SG_TEST_REDIS_URL and SG_TEST_POSTGRES_URL (an admin URL: each test creates its own
# database); run outside this script, the cases that need them are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
PG=/usr/lib/postgresql/15/bin
APT_LOCK=${REAL_TOOLS_APT_LOCK:-/tmp/servicegraph-apt.lock}
log() { printf '[test-scale] %s\n' "$*" >&2; }

# --- install (only what is missing; apt serialised with the other scripts) -------------------------
want=""
command -v redis-server > /dev/null || want="$want redis-server"
[ -x "$PG/initdb" ] || want="$want postgresql-15"
if [ -n "$want" ]; then
  [ "$(id -u)" = 0 ] || { log "installing$want needs root"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  exec 9> "$APT_LOCK"
  flock 9
  # Package maintainer scripts must not start system-wide daemons: we start our own.
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1; fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $want > /dev/null
  if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  exec 9>&-
fi

# --- start ------------------------------------------------------------------------------------------
W=$(mktemp -d /tmp/servicegraph-scale.XXXXXX)
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"; }
# PostgreSQL refuses to run as root: as root it runs as the postgres user, else as whoever runs this.
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
redis_pid="" pg_pid=""
cleanup() {
  local pid
  # SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
  [ -n "$pg_pid" ] && { kill -INT "$pg_pid" 2> /dev/null || true; }
  [ -n "$redis_pid" ] && { kill -TERM "$redis_pid" 2> /dev/null || true; }
  for pid in $redis_pid $pg_pid; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  done
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --dir "$W" --pidfile "$W/redis.pid" --logfile "$W/redis.log"
for _ in $(seq 1 100); do [ -s "$W/redis.pid" ] && redis-cli -p "$REDIS_PORT" ping 2> /dev/null | grep -q PONG && break; sleep 0.1; done
redis_pid=$(cat "$W/redis.pid")
log "redis-server $(redis-server --version | grep -o 'v=[0-9.]*') on 127.0.0.1:$REDIS_PORT (pid $redis_pid)"

PG_PORT=$(free_port)
mkdir -p "$W/pg"
[ "$(id -u)" = 0 ] && chown postgres "$W" "$W/pg"
as_pg "$PG/initdb -D $W/pg/data -U postgres -A trust --no-sync" > "$W/initdb.log"
# fsync off: a throwaway cluster; max_connections: several replicas and pools per test file.
as_pg "$PG/pg_ctl -D $W/pg/data -l $W/pg/log -w -o \"-p $PG_PORT -k $W/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start" > /dev/null
pg_pid=$(head -1 "$W/pg/data/postmaster.pid")
log "PostgreSQL $("$PG/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (pid $pg_pid)"

export SG_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export SG_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export SG_TEST_SCALE=1
npx vitest run --config test/scale/vitest.config.ts "$@"
