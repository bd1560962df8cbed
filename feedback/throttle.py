"""A per-address limit on the public feedback form, so links cannot be guessed or a hub's
figures flooded. Counted by cc4c.throttle (PostgreSQL), in fixed windows."""

from django.conf import settings

from cc4c import throttle
from hubs.audit import client_address


def _limit():
    # (requests, seconds) per client address, counting looks and answers alike.
    return getattr(settings, "FEEDBACK_RATE_LIMIT", (30, 600))


def allow(request, scope="feedback"):
    """Count this request; False once the address has used up its window."""
    count, seconds = _limit()
    address = client_address(request) or "unknown"
    return throttle.hit(scope, address, seconds) <= count
