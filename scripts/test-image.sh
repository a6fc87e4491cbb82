#!/usr/bin/env bash
# test-image.sh — builds the container image from the Containerfile with podman and smoke-tests it as
# a platform would run it: read-only root, data on a tmpfs, the demo config, a published loopback
# port; waits for /readyz, runs the image's HEALTHCHECK, sends one GraphQL query with a demo token,
# reads /metrics, stops it with SIGTERM and expects exit code 0. Removes the container and image it
# made, by id.
#
#   bash scripts/test-image.sh
#
# No registry is reachable here, so the base image (BASE of the Containerfile) is made from Debian's
# packages: debootstrap's minbase of the host's release, the host's Node.js 20, npm and node's
# headers (so node-gyp compiles better-sqlite3 without a download), and the host's CA bundle (npm
# goes through the same TLS proxy as the host). It is made once and kept, with podman's own storage
# and the Containerfile's dependency stage, under $SERVICEGRAPH_IMAGE_WORK (default
# /var/tmp/servicegraph-image): a later run rebuilds that stage only when package-lock.json changes
# (about 3.5 minutes in all when it is kept, 17 when it is not, on 2 cores: compiling better-sqlite3).
# SERVICEGRAPH_IMAGE_BASE=<image> uses another base instead (one with Node.js 20 and npm).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${SERVICEGRAPH_IMAGE_WORK:-/var/tmp/servicegraph-image}
APT_LOCK=${REAL_TOOLS_APT_LOCK:-/tmp/servicegraph-apt.lock}
started=$(date +%s)
log() { printf '[test-image %3ss] %s\n' "$(($(date +%s) - started))" "$*" >&2; }

# --- install (only what is missing; apt serialised with the other scripts) -------------------------
want=""
for tool in podman runc debootstrap iptables; do command -v "$tool" > /dev/null || want="$want $tool"; done
if [ -n "$want" ]; then
  [ "$(id -u)" = 0 ] || { log "installing$want needs root"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  exec 9> "$APT_LOCK"
  flock 9
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $want > /dev/null
  exec 9>&-
  log "installed$want"
fi

# --- podman, with its storage and settings under the work dir; one run at a time -------------------
mkdir -p "$WORK"
exec 8> "$WORK/lock"
flock 8
# Podman's defaults fail here (setrlimit refused, no systemd for cgroups or the journal).
cat > "$WORK/containers.conf" << 'EOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
pm() { podman --root "$WORK/storage" --runroot "$WORK/run" --runtime runc "$@"; }
# That storage is this script's alone and the lock is held: any container in it (a build's working
# container included) was left by a run that was killed.
leftover=$(pm ps -aq --external)
# shellcheck disable=SC2086
[ -z "$leftover" ] || { pm rm -f $leftover > /dev/null 2>&1; log "removed containers left by an interrupted run"; }

# --- the base image: made once per Debian release, Node.js version and CA bundle ---------------------
base=${SERVICEGRAPH_IMAGE_BASE:-}
if [ -z "$base" ]; then
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  node_bin=$(readlink -f "$(command -v node)")
  node_prefix=$(dirname "$(dirname "$node_bin")")
  node_version=$("$node_bin" -p 'process.versions.node')
  ca=/etc/ssl/certs/ca-certificates.crt
  base="localhost/servicegraph-base:$codename-node$node_version-$(sha256sum "$ca" | cut -c1-8)"
  if pm image exists "$base"; then
    log "base $base (kept from an earlier run)"
  else
    mirror=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2> /dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    rootfs="$WORK/rootfs"
    rm -rf "$rootfs"
    debootstrap --variant=minbase "$codename" "$rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
    mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include" "$rootfs/etc/ssl/certs"
    install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
    cp -a "$node_prefix/lib/node_modules/npm" "$rootfs/usr/local/lib/node_modules/"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
    cp -a "$node_prefix/include/node" "$rootfs/usr/local/include/"
    cp "$ca" "$rootfs/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | pm import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change "ENV NODE_EXTRA_CA_CERTS=$ca" \
      --change 'ENV npm_config_nodedir=/usr/local' \
      - "$base" > /dev/null
    rm -rf "$rootfs"
    # A base of another Node.js or CA bundle is never used again.
    for old in $(pm images --format '{{.Repository}}:{{.Tag}}' localhost/servicegraph-base); do
      [ "$old" = "$base" ] || pm rmi "$old" > /dev/null
    done
    log "base $base made (debootstrap $codename from $mirror, node $node_version)"
  fi
fi

# --- build -----------------------------------------------------------------------------------------
cid="" image=""
cleanup() {
  [ -n "$cid" ] && { pm rm -f "$cid" > /dev/null 2>&1 || true; }
  [ -n "$image" ] && { pm rmi "$image" > /dev/null 2>&1 || true; }
  # The layers of this run's sources (about 1.5 GB) are never reused: only the tagged base and
  # dependency stage, and the layers under them, are kept for the next run.
  pm image prune -f > /dev/null 2>&1 || true
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# docker format: the OCI format has no HEALTHCHECK and podman would drop it.
# --network host: the build reaches npm and Debian the way the host does. The host's npm cache
# (filled by the npm ci before this in .ci/run) spares the dependency stage the downloads.
build() {
  pm build --format docker --network host --layers --build-arg "BASE=$base" \
    -v "$(npm config get cache):/root/.npm" -f Containerfile "$@" . >> "$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; exit 1; }
}
: > "$WORK/build.log"
# The dependency stage, tagged so the cleanup keeps it; a new package-lock.json moves the tag and the
# old stage goes with the next cleanup.
build --target deps -t localhost/servicegraph-deps:latest
log "dependency stage ready"
build --build-arg "REVISION=$(git rev-parse HEAD 2> /dev/null || echo unknown)" --iidfile "$WORK/image.id"
image=$(cat "$WORK/image.id")
log "image ${image:0:19} built ($(pm image inspect "$image" --format '{{.Size}}' | awk '{ printf "%d MB", $1 / 1e6 }'))"

[ "$(pm image inspect "$image" --format '{{.Config.User}}')" = "10001:10001" ] || { log "the image must run as 10001:10001"; exit 1; }
# Outputs are read whole before matching: under pipefail, 'grep -q' closing the pipe early makes the
# writer fail with SIGPIPE (curl: "Failed writing body") and the check fail though the text is there.
[[ "$(pm image inspect "$image" --format '{{json .Config.Healthcheck}}')" == *healthz* ]] || { log "the image has no HEALTHCHECK"; exit 1; }

# --- run: read-only root, data on a tmpfs owned by the image's user, a free loopback port ------------
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"; }
port=$(free_port) metrics_port=$(free_port)
# U: podman chowns the tmpfs to the image's user. Without systemd, podman logs that it cannot add a
# timer for the HEALTHCHECK: its stderr goes to a file, shown only when it fails.
cid=$(pm run -d --read-only --tmpfs /var/lib/servicegraph:rw,mode=0700,U \
  -p "127.0.0.1:$port:4000" -p "127.0.0.1:$metrics_port:9464" "$image" 2> "$WORK/run.log") || { cat "$WORK/run.log" >&2; exit 1; }
ready=""
for _ in $(seq 1 240); do
  if [ "$(pm inspect "$cid" --format '{{.State.Running}}')" != true ]; then
    pm logs "$cid" | tail -20 >&2
    log "the container stopped before it was ready"
    exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2> /dev/null; then ready=1; break; fi
  sleep 0.5
done
[ -n "$ready" ] || { pm logs "$cid" | tail -20 >&2; curl -sS "http://127.0.0.1:$port/readyz" >&2 || true; log "not ready in 120 s"; exit 1; }
log "ready: /readyz 200 on 127.0.0.1:$port"

pm healthcheck run "$cid" > /dev/null || { log "HEALTHCHECK failed"; exit 1; }
[ "$(pm exec "$cid" id -u)" = 10001 ] || { log "the process does not run as uid 10001"; exit 1; }
if pm exec "$cid" node -e "require('fs').writeFileSync('/app/written', '')" 2> /dev/null; then
  log "the root filesystem is writable"
  exit 1
fi

token=$(pm exec "$cid" node dist/app/token-cli.js --role operator)
answer=$(curl -fsS "http://127.0.0.1:$port/graphql" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"query":"{ outages(first: 1) { rank ci { name } } }"}')
case "$answer" in
  *'"name":"server123"'*) log "query answered: $answer" ;;
  *) log "unexpected answer: $answer"; exit 1 ;;
esac

metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || { log "/metrics not served on the published port 9464"; exit 1; }
grep -q '^servicegraph_graphql_request_duration_seconds_count' <<< "$metrics" \
  || { log "no request metrics on the published port 9464"; exit 1; }
log "/metrics served on the published port 9464"

# --- stop: SIGTERM (the image's STOPSIGNAL), a graceful drain, exit code 0 ----------------------------
pm stop -t 30 "$cid" > /dev/null 2> "$WORK/run.log" || { cat "$WORK/run.log" >&2; exit 1; }
code=$(pm inspect "$cid" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || { pm logs "$cid" | tail -20 >&2; log "exit code $code after SIGTERM, expected 0"; exit 1; }
[[ "$(pm logs "$cid" 2>&1)" == *'"msg":"stopped"'* ]] || { log "no 'stopped' line in the log"; exit 1; }
log "stopped by SIGTERM: exit code 0"
log "image smoke test passed"
