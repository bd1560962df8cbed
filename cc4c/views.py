import hmac
import json

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cc4c import govuk_notify


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


@csrf_exempt
@login_not_required
@require_POST
def notify_receipt(request):
    """GOV.UK Notify's delivery receipt for a text or email (its callback), with the bearer
    token of NOTIFY_CALLBACK_TOKEN: 401 without it, 400 for a body that is not a receipt, 200
    once recorded (or for a message that is not ours, so Notify does not send it again)."""
    expected = settings.NOTIFY_CALLBACK_TOKEN
    if not expected:
        raise Http404("No such page.")
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        response = JsonResponse({"error": "a bearer token is needed"}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    try:
        receipt = json.loads(request.body)
        notify_id, status = str(receipt["id"]), str(receipt["status"])
        reference = str(receipt.get("reference") or "")
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "a JSON receipt with id and status is needed"}, status=400)
    row = govuk_notify.record_receipt(notify_id=notify_id, status=status, reference=reference)
    return JsonResponse({"recorded": row is not None})
