#!/usr/bin/env bash
# Sets up and runs what the project needs on this machine.
#   services.sh setup [--browser]   system packages (apt) and the virtualenv, only what is missing
#   services.sh start               private PostgreSQL and Redis on loopback, unless
#                                   DATABASE_URL / REDIS_URL point elsewhere
#   services.sh stop                stops the private servers
#   services.sh status
# Private data lives under var/ (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
VENV="$ROOT/.venv"
PG_PORT="${CC4C_PG_PORT:-55432}"
REDIS_PORT="${CC4C_REDIS_PORT:-56379}"
PGDATA="$VAR/pg"
RUN="$VAR/run"
LOG="$VAR/log"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; exit 1; fi
}

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

apt_install() {
  say "installing system packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

setup() {
  local want=()
  if [ -z "${DATABASE_URL:-}" ] && ! pg_bindir >/dev/null; then want+=(postgresql); fi
  command -v psql >/dev/null || want+=(postgresql-client)
  if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then want+=(redis-server); fi
  # WeasyPrint renders PDFs with Pango.
  ldconfig -p 2>/dev/null | grep -q libpango-1.0 || want+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
  if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then want+=(chromium); fi
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
pg_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_pg() {
  local bin; bin="$(pg_bindir)"
  mkdir -p "$VAR" "$RUN" "$LOG"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    mkdir -p "$PGDATA"
    chown postgres: "$PGDATA" "$RUN"
    touch "$LOG/postgres.log"; chown postgres: "$LOG/postgres.log"
    if ! runuser -u postgres -- test -w "$PGDATA"; then
      echo "the postgres user cannot reach $PGDATA (a folder above it is closed to other users); set DATABASE_URL instead" >&2
      exit 1
    fi
  fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in var/pg"
    as_pg "$bin/initdb" -D "$PGDATA" -U cc4c --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    :
  else
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    # A private development server: durability traded for speed (fsync off).
    as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$LOG/postgres.log" -w -t 60 start -o \
      "-p $PG_PORT -k $RUN -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB -c maintenance_work_mem=512MB -c work_mem=32MB" >/dev/null
  fi
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U cc4c -d postgres -tAc "select 1 from pg_database where datname='cc4c'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U cc4c -d postgres -qc "create database cc4c" >/dev/null
  fi
}

start_redis() {
  mkdir -p "$VAR/redis" "$RUN" "$LOG"
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log" --appendonly yes --save "" >/dev/null
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Redis did not start; see var/log/redis.log" >&2; exit 1
}

start() {
  mkdir -p "$VAR/static" "$VAR/media"
  [ -n "${DATABASE_URL:-}" ] || start_pg
  [ -n "${REDIS_URL:-}" ] || start_redis
}

stop() {
  local bin
  if [ -f "$PGDATA/postmaster.pid" ] && bin="$(pg_bindir)"; then
    say "stopping PostgreSQL"; as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true
  fi
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "stopping Redis"; redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
}

status() {
  local bin; bin="$(pg_bindir)" || true
  if [ -n "$bin" ] && [ -f "$PGDATA/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    echo "postgres: running on $PG_PORT"; else echo "postgres: stopped"; fi
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "redis: running on $REDIS_PORT"; else echo "redis: stopped"; fi
}

case "${1:-}" in
  setup) shift; setup "$@" ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 setup [--browser] | start | stop | status" >&2; exit 2 ;;
esac
