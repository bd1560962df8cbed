#!/usr/bin/env bash
# `make run`: the development and demonstration start. Serves the site with Django's
# development server, a Celery worker and beat; Ctrl-C stops all three. Links sent out point
# at http://HOST:PORT unless SITE_URL says otherwise (cc4c/settings.py).
set -euo pipefail
export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-8000}"
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

celery -A cc4c worker --loglevel=INFO --concurrency=2 &
pids+=($!)
celery -A cc4c beat --loglevel=INFO &
pids+=($!)
python manage.py runserver "$HOST:$PORT" &
pids+=($!)

cat <<MSG

  CC4C hubs is running at http://$HOST:$PORT/ (for trying it: development server, demo data)
  Links in emails, QR codes and letters point at $(python manage.py shell -v 0 -c "from django.conf import settings; print(settings.SITE_URL)")/
  Demo sign-ins (password: $(python manage.py load_demo --print-password)):
$(python manage.py load_demo --list-logins | sed 's/^/    /')
  Authenticator secret of every demo account (add it to an authenticator app):
    $(python manage.py shell -v 0 -c "from hubs.demo import DEMO_TOTP_SECRET; print(DEMO_TOTP_SECRET)")
  or print the current code with: python manage.py demo_totp EMAIL
  Ctrl-C stops the site, the worker and beat; 'make stop' stops PostgreSQL and Redis.
  This is for trying the system. To run it for real: make serve (docs/operations.md).

MSG
wait -n "${pids[@]}"
