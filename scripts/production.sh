#!/usr/bin/env bash
# The production start on one machine (docs/operations.md): gunicorn behind a TLS-terminating
# nginx from Debian, DEBUG off, a secret key and the site's https:// address required, the
# Celery worker and beat, logs to files in LOG_DIR that logrotate rotates. No demo data and no
# demo accounts unless CC4C_DEMO=1.
#
#   production.sh serve        `make serve`: check, prepare, then the site, worker, beat and
#                              nginx in the foreground (Ctrl-C stops all); logs rotated hourly
#   production.sh check        refuse to go on without what production needs
#   production.sh prepare      migrations, cache table, static files (demo data if CC4C_DEMO=1)
#   production.sh web | worker | beat   one service in the foreground (deploy/systemd/ units)
#   production.sh proxy        the private nginx in the foreground
#   production.sh nginx-site   the site file for Debian's nginx (/etc/nginx/sites-available/cc4c)
#   production.sh logrotate-config   the logrotate file for LOG_DIR (/etc/logrotate.d/cc4c)
#
# Settings come from the environment (README's configuration table); those of this script:
#   TLS_CERT, TLS_KEY    the certificate (chain) and key nginx serves, PEM files
#   LISTEN_ADDRESS       where nginx listens (*)           HTTP_PORT  plain HTTP, redirected (80)
#   HTTPS_PORT           the port of SITE_URL (443)         WEB_BIND   gunicorn (127.0.0.1:8001)
#   LOG_DIR, RUN_DIR     logs (var/log), pid files and the rendered configuration (var/run/production)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${CC4C_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"

export DEBUG=0
# LOG_DIR set but empty: logs to the console instead (containers, whose runtime rotates them).
export LOG_DIR="${LOG_DIR-$ROOT/var/log}"
export RUN_DIR="${RUN_DIR:-$ROOT/var/run/production}"
export WEB_BIND="${WEB_BIND:-127.0.0.1:8001}"
export TRUSTED_PROXIES="${TRUSTED_PROXIES:-127.0.0.1,::1}"
# Without DATABASE_URL / REDIS_URL: the durable private servers of scripts/services.sh.
export DATABASE_URL="${DATABASE_URL:-postgres://cc4c@127.0.0.1:${CC4C_PG_PORT:-55432}/cc4c}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${CC4C_REDIS_PORT:-56379}/0}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf 'production start refused: %s\n' "$*" >&2; exit 1; }

nginx_bin() {
  local path
  for path in /usr/sbin/nginx "$(command -v nginx 2>/dev/null || true)"; do
    [ -n "$path" ] && [ -x "$path" ] && { echo "$path"; return 0; }
  done
  fail "nginx is not installed: run 'scripts/services.sh setup --proxy' (apt install nginx)"
}

# The host and port of SITE_URL, which nginx serves.
site_parts() {
  "$PY" - <<'PY'
import os
from urllib.parse import urlsplit
url = urlsplit(os.environ["SITE_URL"])
host = url.hostname or ""
print(f"[{host}]" if ":" in host else host, url.port or 443)
PY
}

check_environment() {
  [ -n "${SECRET_KEY:-}" ] || fail "SECRET_KEY is not set. Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
  [ -n "${SITE_URL:-}" ] || fail "SITE_URL is not set: the https:// address people reach the site at (e.g. https://hubs.example.nhs.uk)"
  case "$SITE_URL" in https://*) ;; *) fail "SITE_URL must be an https:// address, not $SITE_URL" ;; esac
}

check_tls() {
  [ -n "${TLS_CERT:-}" ] && [ -n "${TLS_KEY:-}" ] || fail "set TLS_CERT and TLS_KEY to the certificate and key files nginx serves (docs/operations.md: TLS)"
  [ -r "$TLS_CERT" ] || fail "TLS_CERT: cannot read $TLS_CERT"
  [ -r "$TLS_KEY" ] || fail "TLS_KEY: cannot read $TLS_KEY"
}

check() {
  check_environment
  say "checking the production settings (manage.py check --deploy)"
  "$PY" manage.py check --deploy --database default --fail-level WARNING
}

prepare() {
  log_dirs
  say "applying migrations"
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py createcachetable
  say "collecting static files"
  "$PY" manage.py collectstatic --noinput -v 0
  if [ "${CC4C_DEMO:-}" = 1 ]; then
    say "loading the demo data (CC4C_DEMO=1): a demonstration, not a real service"
    "$PY" manage.py load_demo
  fi
}

log_dirs() { mkdir -p "$RUN_DIR"; [ -z "$LOG_DIR" ] || mkdir -p "$LOG_DIR"; }

# Celery's --logfile, or nothing (the console) when LOG_DIR is empty.
logfile() { [ -z "$LOG_DIR" ] || echo "--logfile=$LOG_DIR/$1.log"; }

web() { log_dirs; exec "$PY" -m gunicorn cc4c.wsgi:application -c "$ROOT/deploy/gunicorn.conf.py"; }

worker() {
  log_dirs
  # shellcheck disable=SC2046
  exec "$PY" -m celery -A cc4c worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}" \
    -n "cc4c@%h" $(logfile worker)
}

beat() {
  log_dirs
  # shellcheck disable=SC2046
  exec "$PY" -m celery -A cc4c beat --loglevel=INFO $(logfile beat)
}

# The values the deploy/ templates name.
template_values() {
  local parts host port
  parts="$(site_parts)"; host="${parts% *}"; port="${parts#* }"
  export SERVER_NAME="$host"
  export HTTPS_PORT="${HTTPS_PORT:-$port}"
  export HTTP_PORT="${HTTP_PORT:-80}"
  export LISTEN="${LISTEN_ADDRESS:-*}"
  local upload="${UPLOAD_MAX_BYTES:-52428800}"
  export PROXY_MAX_BODY="$((upload + 10 * 1024 * 1024))"
  if [ -n "$LOG_DIR" ]; then
    export ACCESS_LOG="$LOG_DIR/nginx-access.log" ERROR_LOG="$LOG_DIR/nginx-error.log"
  else
    export ACCESS_LOG=/dev/stdout ERROR_LOG=stderr
  fi
}

render() { "$PY" "$ROOT/deploy/render.py" "$1"; }

nginx_site() {
  check_environment; check_tls; template_values
  render "$ROOT/deploy/nginx/cc4c.conf.template"
}

proxy() {
  check_environment; check_tls; template_values
  local nginx conf="$RUN_DIR/nginx"
  nginx="$(nginx_bin)"
  mkdir -p "$conf"; log_dirs
  export SITE_CONF="$conf/cc4c.conf"
  render "$ROOT/deploy/nginx/cc4c.conf.template" > "$SITE_CONF"
  if [ "$(id -u)" = 0 ]; then
    # nginx's workers drop root; their temporary folders must be reachable by them.
    export NGINX_USER="user www-data;"
    export NGINX_TEMP="/var/lib/nginx/cc4c-$HTTPS_PORT"
  else
    export NGINX_USER=""
    export NGINX_TEMP="$conf/temp"
  fi
  mkdir -p "$NGINX_TEMP"
  render "$ROOT/deploy/nginx/nginx.conf.template" > "$conf/nginx.conf"
  "$nginx" -t -q -p "$conf" -e "$ERROR_LOG" -c "$conf/nginx.conf"
  exec "$nginx" -p "$conf" -e "$ERROR_LOG" -c "$conf/nginx.conf" -g "daemon off;"
}

logrotate_config() {
  export LOG_OWNER
  LOG_OWNER="$(stat -c '%U %G' "$LOG_DIR")"
  render "$ROOT/deploy/logrotate/cc4c.template"
}

logrotate_bin() { command -v logrotate 2>/dev/null || { [ -x /usr/sbin/logrotate ] && echo /usr/sbin/logrotate; } || true; }

# Hourly, as Debian's logrotate timer would on a machine that runs it.
rotate_logs() {
  [ -n "$LOG_DIR" ] || return 0
  local bin; bin="$(logrotate_bin)"
  [ -n "$bin" ] || { say "logrotate is not installed: logs in $LOG_DIR will not be rotated"; return 0; }
  logrotate_config > "$RUN_DIR/logrotate.conf"
  local sleeper=""
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  while :; do
    "$bin" -s "$RUN_DIR/logrotate.state" "$RUN_DIR/logrotate.conf" || true
    sleep "${LOGROTATE_EVERY:-3600}" & sleeper=$!
    wait "$sleeper"
  done
}

serve() {
  check_environment
  check_tls
  nginx_bin >/dev/null
  log_dirs
  prepare
  check
  local pids=() pid
  cleanup() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
  }
  trap 'cleanup; exit 0' INT TERM
  trap cleanup EXIT
  "$0" web & pids+=($!)
  "$0" worker & pids+=($!)
  "$0" beat & pids+=($!)
  "$0" proxy & pids+=($!)
  rotate_logs & pids+=($!)
  template_values
  cat <<MSG

  CC4C hubs is serving $SITE_URL/
  nginx (TLS) on ${LISTEN}:${HTTPS_PORT} and ${LISTEN}:${HTTP_PORT} (redirect) -> gunicorn on $WEB_BIND,
  with the Celery worker and beat. Logs in $LOG_DIR (rotated). Ctrl-C stops everything.

MSG
  # Any one of them ending ends the service: better stopped than half running.
  wait -n "${pids[@]}" || true
  say "a process of the service ended; stopping the others (see $LOG_DIR)"
  exit 1
}

case "${1:-}" in
  serve) serve ;;
  check) check ;;
  prepare) prepare ;;
  web) web ;;
  worker) worker ;;
  beat) beat ;;
  proxy) proxy ;;
  nginx-site) nginx_site ;;
  logrotate-config) logrotate_config ;;
  *) echo "usage: $0 serve | check | prepare | web | worker | beat | proxy | nginx-site | logrotate-config" >&2; exit 2 ;;
esac
