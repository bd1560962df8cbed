"""The 95% interval of each figure of a report (docs/evaluation-measures.md, "Uncertainty"),
from the counts its row set keeps beside it (cc4c.stats does the arithmetic):

- a percentage of kind ``pct``: Wilson's interval of the proportion;
- a change of kind ``change``: from the interval of the ratio of the two rates (the score
  method, counts taken as Poisson, the children registered as fixed), as a change in %;
- a difference of two changes (kind ``points``): MOVER over the two ratios' intervals, in
  percentage points.

An interval is shown as (low, high), each rounded once to one decimal place; None where the
figure itself is empty or has no interval."""

from decimal import Decimal

from cc4c import stats
from cc4c.measures import round_1dp
from evaluation.definitions import BY_KEY, MEASURES

WITH_INTERVALS = {m.key for m in MEASURES if m.proportion or m.ratio or m.difference_of}


def _number(values, key):
    if key is None:
        return 1
    value = values.get(key)
    return None if value in (None, "*") else value


def _ratio(measure, values):
    """(ratio, (low, high)) of a change measure's two rates, or None."""
    events, exposure, base_events, base_exposure = (_number(values, key) for key in measure.ratio)
    if None in (events, exposure, base_events, base_exposure):
        return None
    interval = stats.rate_ratio(events, exposure, base_events, base_exposure)
    if interval is None:
        return None
    return (events / exposure) / (base_events / base_exposure), interval


def _raw(measure, values):
    """(low, high) unrounded, in the figure's own unit; None without one."""
    if measure.proportion:
        numerator, denominators = measure.proportion
        successes = _number(values, numerator)
        terms = [_number(values, key) for key in denominators]
        if successes is None or None in terms:
            return None
        interval = stats.wilson(successes, sum(terms))
        return None if interval is None else tuple(100 * bound for bound in interval)
    if measure.ratio:
        found = _ratio(measure, values)
        if found is None:
            return None
        low, high = found[1]
        return 100 * (low - 1), 100 * (high - 1)
    if measure.difference_of:
        first, second = (_ratio(BY_KEY[key], values) for key in measure.difference_of)
        if first is None or second is None:
            return None
        interval = stats.difference(first[0], first[1], second[0], second[1])
        return None if interval is None else tuple(100 * bound for bound in interval)
    return None


def interval(key, values, shown=None):
    """(low, high) of the figure ``key`` of one row set (its ``values``, hidden counts
    included), rounded to one decimal place; None when the figure shown (``shown``, default
    the value itself) is empty or suppressed, or it has no interval."""
    measure = BY_KEY[key]
    figure = values.get(key) if shown is None else shown
    if figure in (None, "", "*") or key not in WITH_INTERVALS:
        return None
    raw = _raw(measure, values)
    if raw is None or any(abs(bound) == float("inf") for bound in raw):
        return None
    return tuple(round_1dp(Decimal(repr(bound))) for bound in raw)


def intervals(values, shown):
    """{key: (low, high)} for every figure of one row set that has one."""
    found = {}
    for key in WITH_INTERVALS:
        if key in shown:
            bounds = interval(key, values, shown[key])
            if bounds is not None:
                found[key] = bounds
    return found
