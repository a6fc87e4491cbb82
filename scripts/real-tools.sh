#!/usr/bin/env bash
# real-tools.sh — install, start and stop the REAL upstream tools used by test/real/ (Debian 12 packages),
# every listener bound to 127.0.0.1, all state under $REAL_TOOLS_WORK.
#
#   bash scripts/real-tools.sh install   # apt packages, only those missing (needs root)
#   bash scripts/real-tools.sh start     # write configs, start, wait until ready
#   bash scripts/real-tools.sh stop      # kill the pids it recorded (never by name)
#   bash scripts/real-tools.sh restart   # stop, then start again (state on disk kept: a real restart)
#   bash scripts/real-tools.sh env       # print the endpoints as env vars for the tests
#   bash scripts/real-tools.sh running   # print the selected services that are running
#
# Select services with REAL_TOOLS (default: all six). Endpoints after `start`:
#   Prometheus    http://127.0.0.1:19090      Alertmanager http://127.0.0.1:19093
#   Icinga 2      https://127.0.0.1:15665     (self-signed CA in $W/icinga/data/certs/ca.crt; gateway/gateway-secret)
#   Zabbix 6.0    http://127.0.0.1:18082/api_jsonrpc.php (Admin/zabbix; server trapper 127.0.0.1:20051)
#   MediaWiki     http://127.0.0.1:18081/api.php (Admin / Admin-Secret-123!)
#   RT 5 REST2    http://127.0.0.1:18080/REST/2.0/ (root / password)
set -euo pipefail
W=${REAL_TOOLS_WORK:-/tmp/servicegraph-real}
SERVICES=${REAL_TOOLS:-"alertmanager prometheus icinga zabbix mediawiki rt"}
PG=/usr/lib/postgresql/15/bin
APT_LOCK=${REAL_TOOLS_APT_LOCK:-/tmp/servicegraph-apt.lock}

log() { printf '[real-tools] %s\n' "$*" >&2; }
want() { case " $SERVICES " in *" $1 "*) return 0 ;; esac; return 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
wait_http() { # name t0 tries curl-args...  (polls every 0.1 s)
  local name=$1 t0=$2 tries=$3; shift 3
  for _ in $(seq 1 "$tries"); do
    if curl -fsS -o /dev/null "$@" 2>/dev/null; then log "$name ready after $(ms_since "$t0") ms"; return 0; fi
    sleep 0.1
  done
  log "$name NOT ready (see $W)"; return 1
}
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
need_port() { # refuse to start when something else already listens: the tests would talk to it
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then log "port $1 is already in use (not by this script's pids)"; return 1; fi
}

# --- install -------------------------------------------------------------------------------------
# Which binary proves a service's packages are present; only missing ones are installed.
pkgs_for() {
  case $1 in
    alertmanager) echo "prometheus-alertmanager" ;;
    prometheus) echo "prometheus" ;;
    icinga) echo "icinga2-bin icinga2-common" ;;
    zabbix) echo "postgresql-15 zabbix-server-pgsql zabbix-frontend-php php-cli php-pgsql php-bcmath php-gd php-mbstring php-xml" ;;
    mediawiki) echo "mediawiki php-cli php-sqlite3" ;;
    rt) echo "request-tracker5 rt5-db-sqlite rt5-standalone" ;;
  esac
}
probe_for() {
  case $1 in
    alertmanager) echo /usr/bin/prometheus-alertmanager ;;
    prometheus) echo /usr/bin/prometheus ;;
    icinga) echo /usr/sbin/icinga2 ;;
    zabbix) echo /usr/sbin/zabbix_server:/usr/share/zabbix/api_jsonrpc.php:$PG/initdb ;;
    mediawiki) echo /usr/share/mediawiki/maintenance/install.php ;;
    rt) echo /usr/share/request-tracker5/libexec/rt-server ;;
  esac
}
missing() { local f IFS=:; for f in $(probe_for "$1"); do [ -e "$f" ] || return 0; done; return 1; }

do_install() {
  local want_pkgs="" s
  for s in $SERVICES; do if missing "$s"; then want_pkgs="$want_pkgs $(pkgs_for "$s")"; fi; done
  command -v curl > /dev/null || want_pkgs="$want_pkgs curl ca-certificates"
  command -v python3 > /dev/null || want_pkgs="$want_pkgs python3"
  command -v pgrep > /dev/null || want_pkgs="$want_pkgs procps"
  if [ -z "${want_pkgs// /}" ]; then log "all packages present"; return 0; fi
  [ "$(id -u)" = 0 ] || { log "install needs root (missing:$want_pkgs)"; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  # Other helpers may install at the same time: serialise on one lock (apt's own lock fails instead of waiting).
  exec 9> "$APT_LOCK"
  flock 9
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # Package maintainer scripts must not start system-wide daemons.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1; fi
  # RT: we create our own SQLite DB under $W, so dbconfig-common must not make one.
  echo 'request-tracker5 request-tracker5/dbconfig-install boolean false' | debconf-set-selections
  log "installing:$want_pkgs"
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $want_pkgs
  if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  flock -u 9
}

# --- start recipes -------------------------------------------------------------------------------
# A run starts the monitors with no memory: Prometheus restores an alert's "for" state and keeps the
# series of an earlier run's targets (still "up" for five minutes), so a run within minutes of another
# would see alerts fire before any scrape and a target it never configured. `restart` keeps the state
# on disk: that is what a real restart does and what the restart tests are about.
fresh_state() {
  [ "${KEEP_STATE:-}" = 1 ] || rm -rf "$1"
  mkdir -p "$1"
}

start_alertmanager() {
  need_port 19093
  local D=$W/alertmanager; fresh_state "$D/data"
  cat > "$D/alertmanager.yml" <<'EOF'
route: { receiver: 'null', group_by: ['alertname'], group_wait: 1s, group_interval: 5s, repeat_interval: 1h }
receivers: [ { name: 'null' } ]
EOF
  local t0; t0=$(date +%s%N)
  prometheus-alertmanager --config.file="$D/alertmanager.yml" --storage.path="$D/data" \
    --web.listen-address=127.0.0.1:19093 --cluster.listen-address= > "$D/log" 2>&1 &
  echo $! > "$D/pid"
  wait_http alertmanager "$t0" 300 http://127.0.0.1:19093/-/ready
}

start_prometheus() {
  need_port 19090
  local D=$W/prometheus; fresh_state "$D/data"
  cat > "$D/prometheus.yml" <<EOF
global: { scrape_interval: 5s, evaluation_interval: 5s }
rule_files: [ '$D/rules.yml' ]
alerting: { alertmanagers: [ { static_configs: [ { targets: ['127.0.0.1:19093'] } ] } ] }
scrape_configs:
  - { job_name: prometheus,   static_configs: [ { targets: ['127.0.0.1:19090'] } ] }
  - { job_name: alertmanager, static_configs: [ { targets: ['127.0.0.1:19093'] } ] }
  - { job_name: dead-host,    static_configs: [ { targets: ['127.0.0.1:19999'], labels: { ci_id: 'CI0009' } } ] }   # nothing listens: up==0
  # A host whose exporter answers (Prometheus's own metrics stand in) while its service fails (PaymentsFailing).
  - { job_name: payments,     static_configs: [ { targets: ['127.0.0.1:19090'], labels: { instance: 'pay01', ci_id: 'CI0010' } } ] }
  # servicegraph's own /metrics, wherever a test's gateway listens (port 0): the test writes the target
  # and the bearer token into $D/servicegraph/ (test/real/metrics.real.test.ts).
  - job_name: servicegraph
    scrape_interval: 1s
    scrape_timeout: 1s
    authorization: { credentials_file: '$D/servicegraph/token' }
    file_sd_configs: [ { files: ['$D/servicegraph/targets.json'], refresh_interval: 1s } ]
EOF
  # No target until a test writes one (a target left by a run that died would fire TargetDown).
  mkdir -p "$D/servicegraph"
  echo '[]' > "$D/servicegraph/targets.json"
  echo 'no-servicegraph-yet' > "$D/servicegraph/token"
  cat > "$D/rules.yml" <<'EOF'
groups:
  - name: connector-test
    interval: 1s
    rules:
      - alert: TargetDown
        expr: up == 0
        labels: { severity: critical }
        annotations: { summary: "Target {{ $labels.instance }} of job {{ $labels.job }} is down" }
      - alert: AlwaysFiring
        expr: vector(1)
        labels: { severity: warning, ci: web01 }
        annotations: { summary: "Synthetic always-firing alert" }
      - alert: PaymentsFailing
        expr: up{job="payments"} == 1
        labels: { severity: critical }
        annotations: { summary: "Payments on {{ $labels.instance }} are failing (synthetic: its target is up)" }
      - record: job:up:sum
        expr: sum by (job) (up)
EOF
  local t0; t0=$(date +%s%N)
  prometheus --config.file="$D/prometheus.yml" --storage.tsdb.path="$D/data" \
    --web.listen-address=127.0.0.1:19090 --rules.alert.resend-delay=1s \
    --web.console.templates=/etc/prometheus/consoles --web.console.libraries=/etc/prometheus/console_libraries \
    > "$D/log" 2>&1 &
  echo $! > "$D/pid"
  wait_http prometheus "$t0" 300 http://127.0.0.1:19090/-/ready
}

start_icinga() {
  need_port 15665
  local D=$W/icinga; mkdir -p "$D"/{data/certs,log,cache,spool,run}
  local CN=icinga-ci.localdomain
  local DEF=(-DDataDir="$D/data" -DLogDir="$D/log" -DCacheDir="$D/cache" -DSpoolDir="$D/spool" -DInitRunDir="$D/run" -DRunAsUser="$(id -un)" -DRunAsGroup="$(id -gn)")
  if [ ! -f "$D/data/certs/$CN.crt" ]; then
    icinga2 pki new-ca "${DEF[@]}" > /dev/null
    icinga2 pki new-cert "${DEF[@]}" --cn "$CN" --key "$D/data/certs/$CN.key" --csr "$D/data/certs/$CN.csr" > /dev/null
    icinga2 pki sign-csr "${DEF[@]}" --csr "$D/data/certs/$CN.csr" --cert "$D/data/certs/$CN.crt" > /dev/null
    cp "$D/data/ca/ca.crt" "$D/data/certs/ca.crt"
  fi
  cat > "$D/icinga2.conf" <<EOF
const NodeName = "$CN"
const ZoneName = NodeName
const TicketSalt = ""
include <itl>
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object FileLogger "main-log" { severity = "information"; path = LogDir + "/icinga2.log" }
object CheckerComponent "checker" { }
object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = 15665; accept_config = false; accept_commands = false; ticket_salt = TicketSalt }
object ApiUser "gateway" {
  password = "gateway-secret"
  permissions = [ "objects/query/Host", "objects/query/Service", "objects/query/Comment", "objects/query/Downtime",
                  "actions/acknowledge-problem", "actions/remove-acknowledgement", "actions/schedule-downtime", "status/query" ]
}
object ApiUser "root" { password = "root-secret"; permissions = [ "*" ] }
template Host "ci-host" { check_command = "dummy"; check_interval = 5s; retry_interval = 5s; max_check_attempts = 1 }
template Service "ci-service" { check_command = "dummy"; check_interval = 5s; retry_interval = 5s; max_check_attempts = 1 }
object Host "web01" { import "ci-host"; address = "127.0.0.1"; vars.dummy_state = 0; vars.dummy_text = "PING OK"; vars.ci_id = "CI0001" }
object Host "db01"  { import "ci-host"; address = "127.0.0.2"; vars.dummy_state = 2; vars.dummy_text = "CRITICAL - Host Unreachable"; vars.ci_id = "CI0002" }
object Service "http" { import "ci-service"; host_name = "web01"; vars.dummy_state = 2; vars.dummy_text = "HTTP CRITICAL - Connection refused" }
object Service "disk" { import "ci-service"; host_name = "web01"; vars.dummy_state = 1; vars.dummy_text = "DISK WARNING - 91% used" }
EOF
  icinga2 daemon -C -c "$D/icinga2.conf" "${DEF[@]}" > "$D/validate.log" 2>&1 || { cat "$D/validate.log" >&2; return 1; }
  local t0; t0=$(date +%s%N)
  icinga2 daemon -c "$D/icinga2.conf" "${DEF[@]}" > "$D/daemon.log" 2>&1 &
  echo $! > "$D/pid"
  wait_http icinga2 "$t0" 300 --cacert "$D/data/certs/ca.crt" --resolve "$CN:15665:127.0.0.1" \
    -u gateway:gateway-secret -H 'Accept: application/json' "https://$CN:15665/v1/status/IcingaApplication"
}

start_mediawiki() {
  need_port 18081
  local D=$W/mediawiki; mkdir -p "$D/data"
  export MW_CONFIG_FILE=$D/LocalSettings.php
  if [ ! -f "$D/LocalSettings.php" ]; then
    php /usr/share/mediawiki/maintenance/install.php --dbtype=sqlite --dbpath="$D/data" --dbname=ciwiki \
      --server=http://127.0.0.1:18081 --scriptpath= --confpath="$D" --pass='Admin-Secret-123!' --lang=en CIWiki Admin > "$D/install.log" 2>&1
    printf '%s\n' "If '''db01''' reports ''DiskFull'', rotate logs and extend the volume." "[[Category:Runbooks]]" |
      php /usr/share/mediawiki/maintenance/edit.php --user Admin --summary seed "Runbook:DiskFull" > /dev/null
    printf '%s\n' "HTTP connection refused on web servers: restart nginx and check port 80." "[[Category:Runbooks]]" |
      php /usr/share/mediawiki/maintenance/edit.php --user Admin --summary seed "HTTP connection refused" > /dev/null
  fi
  local t0; t0=$(date +%s%N)
  MW_CONFIG_FILE=$D/LocalSettings.php php -S 127.0.0.1:18081 -t /usr/share/mediawiki > "$D/server.log" 2>&1 &
  echo $! > "$D/pid"
  wait_http mediawiki "$t0" 300 'http://127.0.0.1:18081/api.php?action=query&meta=siteinfo&format=json'
}

start_rt() {
  need_port 18080
  local D=$W/rt; mkdir -p "$D/RT_SiteConfig.d"
  export RT_SITE_CONFIG=$D/RT_SiteConfig.pm RT_SITE_CONFIG_DIR=$D/RT_SiteConfig.d
  cat > "$RT_SITE_CONFIG" <<EOF
Set(\$rtname, 'rt-ci.localdomain');
Set(\$Organization, 'rt-ci.localdomain');
Set(\$CorrespondAddress, 'rt@localhost');
Set(\$CommentAddress, 'rt-comment@localhost');
Set(\$Timezone, 'UTC');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$D/rtdb');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, 18080);
Set(\$WebPath, '');
Set(\$WebBaseURL, 'http://127.0.0.1:18080');
Set(\$LogToFile, undef);
Set(\$LogToSTDERR, 'warning');
Set(\$LogToSyslog, undef);
1;
EOF
  if [ ! -f "$D/rtdb" ]; then rt-setup-database-5 --action init --skip-create > "$D/setup.log" 2>&1; fi
  # Global ticket custom fields the rt connector can carry our ids in (its customFields setting).
  if [ ! -f "$D/custom-fields.done" ]; then
    cat > "$D/custom-fields.pl" <<'EOF2'
@CustomFields = (
  { Name => 'CI', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket', Queue => 0, Description => 'servicegraph CI id' },
  { Name => 'Service', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket', Queue => 0, Description => 'servicegraph service id' },
  { Name => 'SG-Correlation', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket', Queue => 0, Description => 'servicegraph idempotency key' },
);
1;
EOF2
    rt-setup-database-5 --action insert --skip-create --datafile "$D/custom-fields.pl" >> "$D/setup.log" 2>&1
    touch "$D/custom-fields.done"
  fi
  local t0; t0=$(date +%s%N)
  /usr/share/request-tracker5/libexec/rt-server --listen 127.0.0.1:18080 --max-workers 2 > "$D/server.log" 2>&1 &
  echo $! > "$D/pid"
  # REST2 answers an unauthenticated/wrong path with 302 to the login page, so require a 200 JSON body.
  wait_http rt "$t0" 600 -u root:password http://127.0.0.1:18080/REST/2.0/queues/all
}

# Zabbix 6.0 (bookworm): PostgreSQL 15 cluster under $W, server with a trapper on 20051, frontend via php -S.
# The frontend reads its DB settings from the fixed path /etc/zabbix/zabbix.conf.php.
start_zabbix() {
  need_port 18082; need_port 20051; need_port 15432
  local D=$W/zabbix; mkdir -p "$D"; chown postgres "$D"
  if [ ! -d "$D/pg" ]; then
    su postgres -c "$PG/initdb -D $D/pg -U postgres -A trust --no-sync" > "$D/initdb.log"
  fi
  su postgres -c "$PG/pg_ctl -D $D/pg -l $D/pg.log -o '-c listen_addresses=127.0.0.1 -p 15432 -k $D -c fsync=off' -w start" > /dev/null
  if ! psql -h 127.0.0.1 -p 15432 -U postgres -Atc "select 1 from pg_database where datname='zabbix'" | grep -q 1; then
    log "zabbix: importing schema (first start only, ~20 s)"
    psql -q -h 127.0.0.1 -p 15432 -U postgres -c 'create database zabbix'
    zcat /usr/share/zabbix-server-pgsql/{schema,images,data}.sql.gz | psql -q -h 127.0.0.1 -p 15432 -U postgres zabbix > "$D/import.log" 2>&1
  fi
  mkdir -p /etc/zabbix
  cat > /etc/zabbix/zabbix.conf.php <<'EOF'
<?php
$DB['TYPE'] = 'POSTGRESQL'; $DB['SERVER'] = '127.0.0.1'; $DB['PORT'] = '15432'; $DB['DATABASE'] = 'zabbix';
$DB['USER'] = 'postgres'; $DB['PASSWORD'] = ''; $DB['SCHEMA'] = ''; $DB['ENCRYPTION'] = false; $DB['KEY_FILE'] = '';
$DB['CERT_FILE'] = ''; $DB['CA_FILE'] = ''; $DB['VERIFY_HOST'] = false; $DB['CIPHER_LIST'] = ''; $DB['VAULT_URL'] = '';
$DB['VAULT_DB_PATH'] = ''; $DB['VAULT_TOKEN'] = ''; $DB['DOUBLE_IEEE754'] = true;
$ZBX_SERVER = '127.0.0.1'; $ZBX_SERVER_PORT = '20051'; $ZBX_SERVER_NAME = 'zabbix-ci'; $IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
  cat > "$D/zabbix_server.conf" <<EOF
ListenIP=127.0.0.1
ListenPort=20051
LogFile=$D/zabbix_server.log
PidFile=$D/zabbix_server.pid
SocketDir=$D
DBHost=127.0.0.1
DBPort=15432
DBName=zabbix
DBUser=postgres
AllowRoot=1
StartPollers=1
StartPollersUnreachable=1
StartTrappers=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
CacheSize=16M
CacheUpdateFrequency=1
EOF
  zabbix_server -c "$D/zabbix_server.conf"     # daemonizes; its pid lands in $D/zabbix_server.pid
  local t0; t0=$(date +%s%N)
  php -S 127.0.0.1:18082 -t /usr/share/zabbix > "$D/web.log" 2>&1 &
  echo $! > "$D/pid"
  wait_http zabbix-frontend "$t0" 300 -X POST -H 'Content-Type: application/json-rpc' \
    -d '{"jsonrpc":"2.0","method":"apiinfo.version","params":{},"id":1}' http://127.0.0.1:18082/api_jsonrpc.php
}

stop_zabbix() { # order matters: zabbix_server flushes to PostgreSQL on shutdown
  local D=$W/zabbix p
  if [ -f "$D/pid" ]; then kill "$(cat "$D/pid")" 2>/dev/null || true; rm -f "$D/pid"; fi
  if [ -f "$D/zabbix_server.pid" ]; then
    p=$(cat "$D/zabbix_server.pid"); kill "$p" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ -f "$D/pg/postmaster.pid" ]; then su postgres -c "$PG/pg_ctl -D $D/pg -m fast -w stop" > /dev/null 2>&1 || true; fi
  log "stopped zabbix"
}

stop_pidfile() { # name pidfile
  local p
  [ -f "$2" ] || return 0
  p=$(cat "$2")
  if kill -0 "$p" 2>/dev/null; then
    kill "$p"
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    log "stopped $1 ($p)"
  fi
  rm -f "$2"
}

do_start() {
  mkdir -p "$W"
  local s
  for s in $SERVICES; do
    if running "$W/$s/pid"; then log "$s already running"; continue; fi
    "start_$s"
  done
}

do_stop() {
  local s
  for s in $SERVICES; do
    if [ "$s" = zabbix ]; then stop_zabbix; else stop_pidfile "$s" "$W/$s/pid"; fi
  done
}

do_running() { # names of the selected services whose recorded pid is alive
  local s
  for s in $SERVICES; do if running "$W/$s/pid"; then echo "$s"; fi; done
}

do_env() {
  want prometheus && echo "REAL_PROMETHEUS_URL=http://127.0.0.1:19090"
  want alertmanager && echo "REAL_ALERTMANAGER_URL=http://127.0.0.1:19093"
  want icinga && echo "REAL_ICINGA_URL=https://127.0.0.1:15665" && echo "REAL_ICINGA_CA=$W/icinga/data/certs/ca.crt"
  want zabbix && echo "REAL_ZABBIX_URL=http://127.0.0.1:18082" && echo "REAL_ZABBIX_TRAPPER=127.0.0.1:20051"
  want mediawiki && echo "REAL_MEDIAWIKI_URL=http://127.0.0.1:18081"
  want rt && echo "REAL_RT_URL=http://127.0.0.1:18080"
  return 0
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop; KEEP_STATE=1 do_start ;;
  env) do_env ;;
  running) do_running ;;
  *) echo "usage: $0 install|start|stop|restart|env|running   (REAL_TOOLS=\"$SERVICES\")" >&2; exit 2 ;;
esac
