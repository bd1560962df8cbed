"""The small-number suppression rule (docs/evaluation-measures.md), in one place.

Counts of children, appointments, cases or requests from 1 to 7 are shown as ``*``; other such
counts are rounded to the nearest 5; a percentage, ratio or median derived from a suppressed
count is ``*`` (and so is its interval); zero stays 0; hours, money, rates per 1,000 children
and differences of their changes are not suppressed.
"""

from decimal import ROUND_HALF_UP, Decimal

from evaluation.definitions import BY_KEY

STAR = "*"
# Kinds that are ``*`` when a count they derive from (``derived_from``) is small.
DERIVED = ("pct", "change", "ratio", "median")


def is_small(value):
    return value is not None and 1 <= value <= 7


def suppress_count(value):
    if value is None or value == 0:
        return value
    if is_small(value):
        return STAR
    return int((Decimal(value) / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 5


def suppress(values):
    """The shown figures for one row set: suppressed as the rule says, hidden numerators dropped."""
    shown = {}
    for key, value in values.items():
        measure = BY_KEY.get(key)
        if measure is None:
            continue
        if measure.kind == "count":
            shown[key] = suppress_count(value)
        elif measure.kind in DERIVED:
            derived_small = any(is_small(values.get(name)) for name in measure.derived_from)
            shown[key] = STAR if derived_small and value is not None else value
        else:
            shown[key] = value
    return shown


def visible(values):
    """The figures without suppression, hidden numerators dropped."""
    return {k: v for k, v in values.items() if k in BY_KEY}
