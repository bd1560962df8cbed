import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        connection.close()
        return False


def _redis_ok():
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except Exception:
        return False


@login_not_required
def ping(request):
    """A constant answer: the baseline the benchmarks measure pages against."""
    return HttpResponse("ok", content_type="text/plain")


def _backup_status():
    from cc4c import backups

    try:
        return backups.status()
    except Exception:
        connection.close()
        return "unknown"


@never_cache
@login_not_required
def healthz(request):
    """200 when the database and Redis answer; 503 naming the one that does not. ``backup``
    says how the nightly backups go ("ok", "failed", "overdue", "never"; cc4c/backups.py),
    for the operator's monitoring: it does not take the site out of service."""
    checks = {
        "database": "ok" if _database_ok() else "unavailable",
        "redis": "ok" if _redis_ok() else "unavailable",
    }
    healthy = all(v == "ok" for v in checks.values())
    backup = _backup_status() if checks["database"] == "ok" else "unknown"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks, "backup": backup},
        status=200 if healthy else 503,
    )
