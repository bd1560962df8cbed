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


@never_cache
@login_not_required
def healthz(request):
    """200 when the database and Redis answer; 503 naming the one that does not."""
    checks = {
        "database": "ok" if _database_ok() else "unavailable",
        "redis": "ok" if _redis_ok() else "unavailable",
    }
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
