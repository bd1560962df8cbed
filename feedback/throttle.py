"""A per-address limit on the public feedback form, so links cannot be guessed or a hub's
figures flooded. Counts live in the cache (PostgreSQL), in fixed windows."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from hubs.audit import client_address


def _limit():
    # (requests, seconds) per client address, counting looks and answers alike.
    return getattr(settings, "FEEDBACK_RATE_LIMIT", (30, 600))


def allow(request, scope="feedback"):
    """Count this request; False once the address has used up its window."""
    count, seconds = _limit()
    address = client_address(request) or "unknown"
    key = "throttle:" + hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=seconds)
        return True
    return used <= count
