"""How many messages the advice line's receiver takes from one sending server and one sender.

Counted per hour by cc4c.throttle (PostgreSQL, so the count survives a restart of the
receiver and is shared by several receivers). A message over the limit is answered with a
temporary refusal (451 4.7.1): a real mail server keeps it and tries again later, so a GP's
question is delayed, never lost, while a flood from one address or one machine stops at the
door before anything is parsed or stored.
"""

import time

from django.conf import settings

from advice.email_intake import Refused
from cc4c import throttle

WINDOW_SECONDS = 3600


def _over(kind, ident, limit, now):
    return throttle.hit(f"advice-mail:{kind}", ident, WINDOW_SECONDS, now) > limit


def check(*, peer, sender, now=None):
    """Count one message from ``peer`` (the connecting address) and ``sender`` (MAIL FROM);
    raise Refused(451) when either has sent more than its hourly limit."""
    now = time.time() if now is None else now
    peer_host = (peer[0] if isinstance(peer, tuple | list) else str(peer or "")) or "unknown"
    sender = (sender or "").strip().lower()[:320] or "<>"
    # Both counters move on every message, so neither can be used to hide from the other.
    peer_over = _over("peer", peer_host, settings.ADVICE_EMAIL_PER_PEER_PER_HOUR, now)
    sender_over = _over("sender", sender, settings.ADVICE_EMAIL_PER_SENDER_PER_HOUR, now)
    if peer_over or sender_over:
        raise Refused(451, "4.7.1 Too many messages in the last hour; please try again later.")
