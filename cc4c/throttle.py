"""Fixed-window counters for rate limits, kept in PostgreSQL.

One statement counts a hit and reads the count back, so two receivers or two web processes
counting at the same moment never lose a hit, and counts survive a restart. Keys are hashed:
the table holds no address or email in clear.
"""

import hashlib
import time

from django.db import connection

from cc4c.models import RateCount

TABLE = RateCount._meta.db_table
COUNT_HIT = f"""
INSERT INTO {TABLE} (key, "window", count, ends) VALUES (%s, %s, 1, %s)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN {TABLE}."window" = EXCLUDED."window" THEN {TABLE}.count + 1 ELSE 1 END,
    "window" = EXCLUDED."window",
    ends = EXCLUDED.ends
RETURNING count
"""  # noqa: S608 (the table name is our model's; every value is a parameter)


def hit(scope, ident, seconds, now=None):
    """Count one hit of ``ident`` (an address, a sender) in ``scope`` and return how many there
    have been in the current window of ``seconds``, this one included."""
    now = time.time() if now is None else now
    window = int(now // seconds)
    digest = hashlib.sha256(f"{scope}:{ident}".encode("utf-8", "surrogateescape")).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(COUNT_HIT, [f"{scope}:{digest[:64]}", window, (window + 1) * seconds])
        return cursor.fetchone()[0]


def forget_ended(now=None):
    """Drop the counters whose window has ended (run daily by beat)."""
    now = time.time() if now is None else now
    return RateCount.objects.filter(ends__lt=int(now)).delete()[0]
