#!/usr/bin/env bash
# Sets up and runs what the project needs on this machine.
#   services.sh setup [--browser] [--proxy]  system packages (apt) and the virtualenv, only
#                                   what is missing (--browser: Chromium; --proxy: nginx)
#   services.sh start [--fast]      private PostgreSQL and Redis on loopback, unless
#                                   DATABASE_URL / REDIS_URL point elsewhere
#   services.sh stop                stops the private servers
#   services.sh status
#
# Two private PostgreSQL clusters, never one in both modes:
#   durable (`start`, what `make run` uses): var/pg on CC4C_PG_PORT (55432), PostgreSQL's safe
#     defaults: fsync, synchronous_commit and full_page_writes on. What it confirmed survives
#     a crash.
#   fast (`start --fast` or CC4C_PG_MODE=fast, what `make test` and `make bench` use):
#     var/pg-fast on CC4C_PG_FAST_PORT (CC4C_PG_PORT + 1), fsync, synchronous_commit and
#     full_page_writes off. Throwaway data only: a crash loses its last commits, a power cut
#     can corrupt it.
# A cluster found running with the other mode's settings is restarted with its own.
# Private data lives under var/ (git-ignored; CC4C_VAR moves it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${CC4C_VAR:-$ROOT/var}"
VENV="$ROOT/.venv"
DURABLE_PORT="${CC4C_PG_PORT:-55432}"
FAST_PORT="${CC4C_PG_FAST_PORT:-$((DURABLE_PORT + 1))}"
REDIS_PORT="${CC4C_REDIS_PORT:-56379}"
RUN="$VAR/run"
LOG="$VAR/log"
# Seconds to wait for the processes of a crashed server to go before starting a new one.
GONE_TIMEOUT="${CC4C_PG_GONE_TIMEOUT:-30}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; exit 1; fi
}

pg_bindir() {
  local d found=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && found="$d"
  done
  [ -n "$found" ] && echo "$found"
}

apt_install() {
  say "installing system packages: $*"
  # Packages that are services (nginx) must not start on their own at install time: the
  # project runs its own, on its own ports. policy-rc.d says so to Debian's scripts.
  local policy=/usr/sbin/policy-rc.d placed=""
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && placed=1
  fi
  local rc=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || rc=$?
  [ "$rc" -ne 0 ] || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "$@" >/dev/null || rc=$?
  [ -z "$placed" ] || as_root rm -f "$policy"
  return "$rc"
}

setup() {
  local want=() arg
  if [ -z "${DATABASE_URL:-}" ] && ! pg_bindir >/dev/null; then want+=(postgresql); fi
  command -v psql >/dev/null || want+=(postgresql-client)
  if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then want+=(redis-server); fi
  # WeasyPrint renders PDFs with Pango.
  ldconfig -p 2>/dev/null | grep -q libpango-1.0 || want+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
  for arg in "$@"; do
    case "$arg" in
      --browser) command -v chromium >/dev/null || want+=(chromium) ;;
      # The production start's TLS proxy, its certificates and log rotation.
      --proxy)
        [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || want+=(nginx)
        command -v openssl >/dev/null || want+=(openssl)
        command -v logrotate >/dev/null || [ -x /usr/sbin/logrotate ] || want+=(logrotate) ;;
      *) echo "unknown setup option: $arg" >&2; exit 2 ;;
    esac
  done
  [ ${#want[@]} -eq 0 ] || apt_install "${want[@]}"

  local stamp="$VENV/.installed"
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtualenv in .venv"
    python3 -m venv "$VENV" || { apt_install python3-venv; python3 -m venv "$VENV"; }
  fi
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    say "installing Python dependencies"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -e "$ROOT[dev]"
    touch "$stamp"
  fi
}

# PostgreSQL refuses to run as root: when we are root, its files belong to 'postgres'.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The settings of each mode: the durable one is PostgreSQL's own defaults, written out so that
# SHOW reads them back and nothing on the command line can turn them off.
mode_settings() {
  case "$1" in
    durable) cat <<'CONF'
# Written by scripts/services.sh: the durable private cluster (make run). Safe defaults.
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
shared_buffers = 256MB
work_mem = 32MB
CONF
    ;;
    fast) cat <<'CONF'
# Written by scripts/services.sh: the FAST, NON-DURABLE private cluster for make test and
# make bench only. A crash loses its last commits; a power cut can corrupt it.
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 512MB
maintenance_work_mem = 512MB
work_mem = 32MB
CONF
    ;;
  esac
}

# "on on on" or "off off off": what each mode's SHOW fsync, synchronous_commit,
# full_page_writes must read.
expected_show() { if [ "$1" = durable ]; then echo "on on on"; else echo "off off off"; fi; }

shown_settings() {
  psql -h 127.0.0.1 -p "$1" -U cc4c -d postgres -tAc \
    "select current_setting('fsync') || ' ' || current_setting('synchronous_commit') || ' ' || current_setting('full_page_writes')" 2>/dev/null
}

# Processes still running in a data folder: a server's backends keep it as their working
# folder, and outlive a postmaster killed with SIGKILL until they notice it is gone (a backend
# busy with a long query notices only when the query ends).
processes_in() {
  local found
  found="$(find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$(readlink -f "$1")" 2>/dev/null)" || true
  printf '%s\n' "$found" | sed -nE 's#^/proc/([0-9]+)/cwd$#\1#p'
}

# Whether the postmaster named in the data folder's postmaster.pid is running: not gone, not a
# zombie waiting for its parent to collect it (what a postmaster killed with SIGKILL becomes).
postmaster_alive() {
  [ -f "$1/postmaster.pid" ] && pid_alive "$(head -n 1 "$1/postmaster.pid")"
}

pid_alive() {
  local pid="$1" state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [ "$state" != Z ] && [ "$state" != X ]
}

# A running postmaster may still be recovering from a crash: wait until it takes connections.
wait_until_answering() {
  local data="$1" port="$2" deadline=$((SECONDS + 600)) told=""
  until psql -h 127.0.0.1 -p "$port" -U cc4c -d postgres -tAc "select 1" >/dev/null 2>&1; do
    postmaster_alive "$data" || return 0
    [ -n "$told" ] || { say "waiting for PostgreSQL on $port to finish starting"; told=1; }
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "PostgreSQL on $port is running but has not taken connections for 10 minutes" >&2; exit 1
    fi
    sleep 0.2
  done
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# After a crash: wait until the old server's processes are gone and its port is free, so that
# the new postmaster neither finds their shared memory in use nor the port taken. Backends
# left behind by a dead postmaster can do no more work; after GONE_TIMEOUT seconds they are
# stopped (SIGTERM, then SIGKILL).
wait_until_gone() {
  local data="$1" port="$2" deadline=$((SECONDS + GONE_TIMEOUT)) told="" stopping="" left
  while :; do
    left="$(processes_in "$data" | tr '\n' ' ')"; left="${left% }"
    if [ -z "$left" ] && ! port_busy "$port"; then return 0; fi
    [ -n "$told" ] || { say "waiting for the previous PostgreSQL on $port to be gone${left:+ (processes $left)}"; told=1; }
    if [ "$SECONDS" -ge "$deadline" ]; then
      if [ -z "$left" ]; then
        echo "port $port is still in use after ${GONE_TIMEOUT}s, by something other than PostgreSQL; free it or set CC4C_PG_PORT" >&2
        exit 1
      elif [ -z "$stopping" ]; then
        say "stopping what is left of the previous PostgreSQL (processes $left)"
        # shellcheck disable=SC2086
        kill -TERM $left 2>/dev/null || true
        stopping=1; deadline=$((SECONDS + 10))
      else
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null || true
      fi
    fi
    sleep 0.1
  done
}

start_pg() {
  local mode="$1" bin data port conf_file shown
  bin="$(pg_bindir)" || { echo "PostgreSQL is not installed: run scripts/services.sh setup" >&2; exit 1; }
  if [ "$mode" = durable ]; then data="$VAR/pg"; port="$DURABLE_PORT"; else data="$VAR/pg-fast"; port="$FAST_PORT"; fi
  mkdir -p "$VAR" "$RUN" "$LOG"
  local log_file="$LOG/postgres-$mode.log"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    mkdir -p "$data"
    chown postgres: "$data" "$RUN"
    touch "$log_file"; chown postgres: "$log_file"
    if ! runuser -u postgres -- test -w "$data"; then
      echo "the postgres user cannot reach $data (a folder above it is closed to other users); set DATABASE_URL instead" >&2
      exit 1
    fi
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating the $mode private PostgreSQL cluster in ${data#"$ROOT"/}"
    local sync=(); [ "$mode" = fast ] && sync=(--no-sync)
    as_pg "$bin/initdb" -D "$data" -U cc4c --auth=trust -E UTF8 --locale=C.UTF-8 "${sync[@]}" >/dev/null
  fi
  conf_file="$data/cc4c-mode.conf"
  mode_settings "$mode" | as_pg tee "$conf_file" >/dev/null
  grep -q "^include_if_exists = 'cc4c-mode.conf'" "$data/postgresql.conf" ||
    echo "include_if_exists = 'cc4c-mode.conf'" | as_pg tee -a "$data/postgresql.conf" >/dev/null

  if postmaster_alive "$data"; then
    wait_until_answering "$data" "$port"
    shown="$(shown_settings "$port" || true)"
    if [ "$shown" = "$(expected_show "$mode")" ]; then
      ensure_database "$port"
      return 0
    fi
    # Started by an older script, by hand, or in the other mode: its settings are not this
    # mode's.
    say "PostgreSQL in ${data#"$ROOT"/} runs with fsync, synchronous_commit, full_page_writes = ${shown:-unknown}; restarting it as the $mode cluster"
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 120 stop >/dev/null
  fi
  wait_until_gone "$data" "$port"
  # A postmaster killed outright leaves its postmaster.pid; with every process of the old
  # server gone (above) it is stale, and the new postmaster could mistake a zombie for it.
  if [ -f "$data/postmaster.pid" ]; then
    say "removing the stale postmaster.pid of a PostgreSQL that did not stop cleanly"
    rm -f "$data/postmaster.pid"
  fi
  # Its socket's lock file names the dead postmaster too.
  local lock="$RUN/.s.PGSQL.$port.lock"
  if [ -f "$lock" ] && ! pid_alive "$(head -n 1 "$lock")"; then
    rm -f "$lock" "$RUN/.s.PGSQL.$port"
  fi
  if [ "$mode" = durable ]; then
    say "starting PostgreSQL on 127.0.0.1:$port (durable: fsync, synchronous_commit, full_page_writes on)"
  else
    say "starting PostgreSQL on 127.0.0.1:$port for tests and benchmarks: FAST, NOT DURABLE (fsync, synchronous_commit, full_page_writes off)"
  fi
  # -w waits for crash recovery too, which a large database after a crash may need.
  if ! as_pg "$bin/pg_ctl" -D "$data" -l "$log_file" -w -t 600 start -o \
      "-p $port -k $RUN -c listen_addresses=127.0.0.1" >/dev/null; then
    echo "PostgreSQL did not start; the end of ${log_file#"$ROOT"/}:" >&2
    tail -n 20 "$log_file" >&2
    exit 1
  fi
  shown="$(shown_settings "$port")"
  if [ "$shown" != "$(expected_show "$mode")" ]; then
    echo "PostgreSQL on $port reads fsync, synchronous_commit, full_page_writes = $shown, not $(expected_show "$mode")" >&2
    exit 1
  fi
  ensure_database "$port"
}

ensure_database() {
  if ! psql -h 127.0.0.1 -p "$1" -U cc4c -d postgres -tAc "select 1 from pg_database where datname='cc4c'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$1" -U cc4c -d postgres -qc "create database cc4c" >/dev/null
  fi
}

start_redis() {
  mkdir -p "$VAR/redis" "$RUN" "$LOG"
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  local waited=0
  while port_busy "$REDIS_PORT"; do  # a Redis that is still shutting down
    [ "$waited" -ge $((GONE_TIMEOUT * 10)) ] && { echo "port $REDIS_PORT is in use and not by a Redis that answers; free it or set CC4C_REDIS_PORT" >&2; exit 1; }
    sleep 0.1; waited=$((waited + 1))
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
  done
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log" --appendonly yes --save "" >/dev/null
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Redis did not start; see ${LOG#"$ROOT"/}/redis.log" >&2; exit 1
}

# A URL without its password, to say which server is used.
shown_url() { printf '%s' "$1" | sed -E 's#(//[^:/@]*):[^@/]*@#\1@#'; }

# scripts/env.sh points DATABASE_URL at the private cluster when it is unset: that URL still
# means "the private server", started here
# (any database of it: make restore into a fresh one names one).
private_database_url() {
  case "$1" in
    "postgres://cc4c@127.0.0.1:$DURABLE_PORT/"*|"postgres://cc4c@127.0.0.1:$FAST_PORT/"*) return 0 ;;
    *) return 1 ;;
  esac
}

start() {
  local mode="durable" arg
  [ "${CC4C_PG_MODE:-}" = fast ] && mode=fast
  for arg in "$@"; do
    case "$arg" in
      --fast) mode=fast ;;
      *) echo "unknown start option: $arg" >&2; exit 2 ;;
    esac
  done
  mkdir -p "$VAR/static" "$VAR/media"
  if [ -n "${DATABASE_URL:-}" ] && ! private_database_url "$DATABASE_URL"; then
    say "DATABASE_URL is set: using the PostgreSQL at $(shown_url "$DATABASE_URL"); no private PostgreSQL started"
  else
    start_pg "$mode"
  fi
  if [ -n "${REDIS_URL:-}" ] && [ "$REDIS_URL" != "redis://127.0.0.1:$REDIS_PORT/0" ]; then
    say "REDIS_URL is set: using the Redis at $(shown_url "$REDIS_URL"); no private Redis started"
  else
    start_redis
  fi
}

stop() {
  local bin data
  bin="$(pg_bindir)" || bin=""
  for data in "$VAR/pg" "$VAR/pg-fast"; do
    if [ -n "$bin" ] && postmaster_alive "$data"; then
      say "stopping PostgreSQL in ${data#"$ROOT"/}"; as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
    fi
  done
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "stopping Redis"; redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
}

status() {
  local bin; bin="$(pg_bindir)" || bin=""
  local mode data port
  for mode in durable fast; do
    if [ "$mode" = durable ]; then data="$VAR/pg"; port="$DURABLE_PORT"; else data="$VAR/pg-fast"; port="$FAST_PORT"; fi
    if [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && postmaster_alive "$data"; then
      echo "postgres ($mode): running on $port, fsync synchronous_commit full_page_writes = $(shown_settings "$port" || echo unknown)"
    else echo "postgres ($mode): stopped"; fi
  done
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "redis: running on $REDIS_PORT"; else echo "redis: stopped"; fi
}

case "${1:-}" in
  setup) shift; setup "$@" ;;
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 setup [--browser] [--proxy] | start [--fast] | stop | status" >&2; exit 2 ;;
esac
