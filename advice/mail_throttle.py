"""How many messages the advice line's receiver takes from one sending server and one sender.

Counted per hour by cc4c.throttle (PostgreSQL, so the count survives a restart of the
receiver and is shared by several receivers). A message over the limit is answered with a
temporary refusal (451 4.7.1): a real mail server keeps it and tries again later, so a GP's
question is delayed, never lost.

The sending server is counted as the message arrives, before anything is read: a trusted
relay (``ADVICE_EMAIL_TRUSTED_RELAYS``), which may carry all of a hub's GP mail, has its own
limit. The sender is counted once the message is read, as the From address proven by DKIM or
the relay when it is proven (advice/mail_origin.py), else the address the message names: an
envelope sender anyone can write counts for nothing.
"""

import time

from django.conf import settings

from advice import mail_origin
from advice.errors import Refused
from cc4c import throttle

WINDOW_SECONDS = 3600
TOO_MANY = "4.7.1 Too many messages in the last hour; please try again later."


def _over(kind, ident, limit, now):
    return throttle.hit(f"advice-mail:{kind}", ident, WINDOW_SECONDS, now) > limit


def host_of(peer):
    return (peer[0] if isinstance(peer, tuple | list) else str(peer or "")) or "unknown"


def check_peer(peer, now=None):
    """Count one message from the connecting server; Refused(451) over its hourly limit."""
    now = time.time() if now is None else now
    host = host_of(peer)
    if mail_origin.from_trusted_relay(peer):
        limit = settings.ADVICE_EMAIL_PER_RELAY_PER_HOUR
    else:
        limit = settings.ADVICE_EMAIL_PER_PEER_PER_HOUR
    if _over("peer", host, limit, now):
        raise Refused(451, TOO_MANY)


def check_sender(address, now=None):
    """Count one message from ``address`` (the proven sender, or the one the message names);
    Refused(451) over its hourly limit."""
    now = time.time() if now is None else now
    address = (address or "").strip().lower()[:320] or "<>"
    if _over("sender", address, settings.ADVICE_EMAIL_PER_SENDER_PER_HOUR, now):
        raise Refused(451, TOO_MANY)
