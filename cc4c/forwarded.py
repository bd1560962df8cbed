"""Who the client is when the site is reached through the TLS proxy.

The proxy (nginx, ``deploy/nginx/``) connects from one of ``TRUSTED_PROXIES`` and says who its
client was in ``X-Forwarded-For`` and whether it came over HTTPS in ``X-Forwarded-Proto``. Only
then are those headers believed: the client's address replaces ``REMOTE_ADDR``, so the audit
trail, the rate limits (cc4c.throttle, allauth's sign-in limits) and everything else that reads
``REMOTE_ADDR`` see the real client. From any other address the forwarding headers are dropped
before anything reads them: a client cannot choose the address it is recorded under, nor claim
HTTPS it did not use.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().removeprefix("[").split("]")[0])
    except ValueError:
        return None


def is_trusted_proxy(address, proxies=None):
    """Whether ``address`` (text) is one of the trusted proxies (addresses or networks)."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES if proxies is None else proxies))
    parsed = _address(address or "")
    return parsed is not None and any(parsed in network for network in networks)


def client_address(peer, forwarded_for, proxies=None):
    """The client's address: the right-most address of ``X-Forwarded-For`` that is not a
    trusted proxy (each proxy appends the address it was reached from, so anything left of
    that was written by the client and proves nothing); ``peer`` when there is none."""
    if not forwarded_for or not is_trusted_proxy(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # a hop that is no address: believe none of what is left of it
        if not is_trusted_proxy(str(address), proxies):
            return str(address)
    return str(_address(hops[0])) if hops else peer


class ForwardedByProxyMiddleware:
    """First in the chain: believe the forwarding headers from a trusted proxy only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        if is_trusted_proxy(peer):
            meta["REMOTE_ADDR"] = client_address(peer, meta.get("HTTP_X_FORWARDED_FOR", ""))
        else:
            for header in FORWARDING_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
