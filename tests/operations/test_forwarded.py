"""Behind the TLS proxy the audit trail and the rate limits see the client's address, which
only the proxy may tell; a forged X-Forwarded-For or X-Forwarded-Proto from anyone else is
ignored. (Through a real nginx: tests/operations/test_production_start.py.)"""

import hashlib

import pytest
from django.urls import reverse

from cc4c.forwarded import client_address, is_trusted_proxy
from cc4c.models import RateCount
from hubs.models import AuditEvent

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
CLIENT = "203.0.113.9"
STRANGER = "198.51.100.7"


def rate_count(address, scope="feedback"):
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()
    row = RateCount.objects.filter(key=f"{scope}:{digest[:64]}").first()
    return row.count if row else 0


def look_at_child(client, child, **headers):
    response = client.get(reverse("population:child", kwargs={"pk": child.pk}), **headers)
    assert response.status_code == 200
    return AuditEvent.objects.filter(child_id=child.pk).latest("id").ip_address


def test_a_look_through_the_proxy_is_audited_under_the_clients_address(client_for, gp, child):
    client = client_for(gp)
    recorded = look_at_child(client, child, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert recorded == CLIENT


def test_a_forged_forwarded_for_from_a_client_of_the_proxy_is_passed_over(client_for, gp, child):
    # The client wrote 10.0.0.1 itself; the proxy appended the address it really came from.
    forwarded = f"10.0.0.1, {CLIENT}"
    recorded = look_at_child(
        client_for(gp), child, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert recorded == CLIENT


def test_a_forged_forwarded_for_not_from_the_proxy_is_ignored(client_for, gp, child):
    recorded = look_at_child(
        client_for(gp), child, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=CLIENT
    )
    assert recorded == STRANGER


def test_the_feedback_rate_limit_counts_the_clients_address_behind_the_proxy(client):
    url = reverse("feedback:family", args=["no-such-token"])
    client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert rate_count(CLIENT) == 2
    assert rate_count(PROXY) == 0


def test_the_rate_limit_cannot_be_dodged_with_a_forged_forwarded_for(client):
    url = reverse("feedback:family", args=["no-such-token"])
    for n in range(3):
        client.get(url, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert rate_count(STRANGER) == 3
    assert not any(rate_count(f"10.9.9.{n}") for n in range(3))


def test_https_is_believed_from_the_proxy_only(rf, settings):
    from cc4c.forwarded import ForwardedByProxyMiddleware

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen[request.META["REMOTE_ADDR"]] = request.is_secure()

    middleware = ForwardedByProxyMiddleware(view)
    middleware(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https"))
    middleware(rf.get("/", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https"))
    assert seen == {PROXY: True, STRANGER: False}


def test_trusted_proxies_may_be_networks_and_nothing_else_is_trusted():
    proxies = ["172.30.0.0/24", "::1"]
    assert is_trusted_proxy("172.30.0.2", proxies)
    assert is_trusted_proxy("::1", proxies)
    assert not is_trusted_proxy("172.30.1.2", proxies)
    assert not is_trusted_proxy("not-an-address", proxies)
    assert client_address("172.30.0.2", f"{CLIENT}, 172.30.0.3", proxies) == CLIENT
    assert client_address("172.30.0.2", "garbage", proxies) == "172.30.0.2"
    assert client_address(STRANGER, CLIENT, proxies) == STRANGER
