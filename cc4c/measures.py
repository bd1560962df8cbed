"""Arithmetic shared by every app's evaluation measures, so that figures agree everywhere.

Percentages and one-decimal figures round half away from zero (docs/evaluation-measures.md);
a percentage with a zero denominator is empty (None), not 0.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import median as _median

ONE_DP = Decimal("0.1")


def round_1dp(value):
    """Round to one decimal place, half away from zero; None stays None."""
    if value is None:
        return None
    # Decimal's ROUND_HALF_UP rounds half away from zero, negative numbers included.
    return Decimal(str(value)).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def round_fraction(value):
    """An exact fraction (fractions.Fraction) to one decimal place, half away from zero,
    rounded once and exactly; None stays None."""
    if value is None:
        return None
    tenths = abs(value) * 10
    whole = int(tenths)
    if tenths - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(whole if value >= 0 else -whole) / 10).quantize(ONE_DP)


def pct(numerator, denominator):
    """numerator / denominator × 100 to one decimal place, or None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        ONE_DP, rounding=ROUND_HALF_UP
    )


def ratio_1dp(numerator, denominator):
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def median_1dp(values):
    """The median of the values to one decimal place, or None when there are none."""
    values = list(values)
    if not values:
        return None
    return round_1dp(_median(values))
