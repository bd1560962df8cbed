"""gunicorn for a real service (scripts/production.sh web): behind the TLS proxy on loopback,
believing the proxy's forwarding headers only (TRUSTED_PROXIES, as cc4c/forwarded.py does),
logging to files in LOG_DIR that logrotate rotates (deploy/logrotate/cc4c)."""

import multiprocessing
import os

_log_dir = os.environ.get("LOG_DIR", "")
_run_dir = os.environ.get("RUN_DIR", "")

bind = os.environ.get("WEB_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 30
# A worker is replaced now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Only the proxy may say the request came over HTTPS (wsgi.url_scheme).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
# What the application writes to the console (its logging) goes to the error log file.
capture_output = True
accesslog = os.path.join(_log_dir, "web-access.log") if _log_dir else "-"
errorlog = os.path.join(_log_dir, "web.log") if _log_dir else "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's control socket would otherwise be shared by every gunicorn of the user.
if _run_dir:
    control_socket = os.path.join(_run_dir, "gunicorn.ctl")
else:
    control_socket_disable = True
