"""The statistics the evaluation measures rest on, in one place (docs/evaluation-measures.md).

- ``wilson``: the 95% interval of a proportion (Wilson 1927; Newcombe 1998a, method 3).
- ``difference``: the interval of a difference of two estimates from each one's own interval,
  the "method of variance estimates recovery" (MOVER, Zou & Donner 2008).
- ``proportion_difference``: the interval of p1 − p2 for two independent proportions, MOVER
  over their Wilson intervals (Newcombe 1998b, method 10).
- ``rate_ratio``: the interval of the ratio of two Poisson rates, from the Wilson interval of
  the share of events in the first conditional on their total (the score method of Graham,
  Mengersen & Morton 2003).
- ``xmr``: an XmR chart (individuals and moving range) with process limits at the mean ±
  2.66 × the mean moving range, and the special cause rules of NHS England's "Making Data
  Count".

Every function takes plain numbers and returns floats, or None where the figure has no
meaning (a zero denominator); rounding for display is the caller's (cc4c.measures).

References:
- Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat
  Assoc 1927;22:209-12.
- Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
  methods. Stat Med 1998;17:857-72.
- Newcombe RG. Interval estimation for the difference between independent proportions:
  comparison of eleven methods. Stat Med 1998;17:873-90.
- Graham PL, Mengersen K, Morton AP. Confidence limits for the ratio of two rates based on
  likelihood scores: non-iterative method. Stat Med 2003;22:2071-83.
- Zou GY, Donner A. Construction of confidence limits about effect measures: a general
  approach. Stat Med 2008;27:1693-702.
- NHS England. Making data count (2017) and Making data count: strengthening your decisions
  (2019).
"""

import math
from dataclasses import dataclass, field
from statistics import NormalDist, fmean, median

# The normal quantile of a two-sided 95% interval: 1.959963...
Z95 = NormalDist().inv_cdf(0.975)


def wilson(successes, trials, z=Z95):
    """(low, high) of the proportion successes / trials, each from 0 to 1; None without trials."""
    if not trials:
        return None
    if successes < 0 or successes > trials:
        raise ValueError(f"{successes} successes out of {trials} trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # At 0 and at every success the exact bound is the end of the range; rounding must not
    # leave it a hair inside.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def difference(estimate1, interval1, estimate2, interval2):
    """(low, high) of estimate1 − estimate2 from each estimate's own interval (MOVER)."""
    if interval1 is None or interval2 is None:
        return None
    (low1, high1), (low2, high2) = interval1, interval2
    if math.inf in (high1, high2):
        return None
    d = estimate1 - estimate2
    low = d - math.sqrt((estimate1 - low1) ** 2 + (high2 - estimate2) ** 2)
    high = d + math.sqrt((high1 - estimate1) ** 2 + (estimate2 - low2) ** 2)
    return low, high


def proportion_difference(successes1, trials1, successes2, trials2, z=Z95):
    """(low, high) of successes1 / trials1 − successes2 / trials2 (Newcombe's hybrid score)."""
    if not trials1 or not trials2:
        return None
    return difference(
        successes1 / trials1,
        wilson(successes1, trials1, z),
        successes2 / trials2,
        wilson(successes2, trials2, z),
    )


def rate_ratio(events1, exposure1, events2, exposure2, z=Z95):
    """(low, high) of (events1 / exposure1) / (events2 / exposure2) for Poisson counts.

    None when either exposure is 0 or when there are no events2 (the ratio has no meaning).
    The upper bound is infinite when every event is in the first count."""
    if not exposure1 or not exposure2 or not events2:
        return None
    low, high = wilson(events1, events1 + events2, z)
    scale = exposure2 / exposure1
    return low / (1 - low) * scale, (math.inf if high >= 1 else high / (1 - high) * scale)


# Statistical process control ------------------------------------------------------------------

LIMIT = 2.66  # 3 / 1.128, the d2 constant of a moving range of two points
MINIMUM_POINTS = 12  # fewer: a run chart, without limits
SHIFT = 7  # points in a row on one side of the mean
TREND = 6  # points in a row each higher (or each lower) than the one before
NEAR = 2 / 3  # two of three points beyond this share of the way from the mean to a limit

IMPROVEMENT, CONCERN, NEITHER, COMMON = "improvement", "concern", "neither", "common"


@dataclass
class Point:
    value: float | None
    outside: bool = False  # beyond a process limit
    shift: bool = False  # in a run of SHIFT or more on one side of the mean
    trend: bool = False  # in a run of TREND or more rising, or falling
    two_of_three: bool = False  # two of three in a row beyond NEAR of the way to one limit
    # +1 above (or rising), -1 below (or falling): the way a special cause point moved.
    direction: int = 0
    variation: str = COMMON  # improvement, concern, neither (no direction of good) or common

    @property
    def special(self):
        return self.outside or self.shift or self.trend or self.two_of_three


@dataclass
class XmR:
    points: list[Point]
    centre: float | None  # the mean (a run chart: the median)
    moving_range: float | None = None  # the mean moving range
    upper: float | None = None
    lower: float | None = None
    near_upper: float | None = None
    near_lower: float | None = None
    limits: bool = False  # False: a run chart, too few points for process limits
    counted: int = 0  # points with a value
    notes: list[str] = field(default_factory=list)

    @property
    def latest(self):
        """The last point with a value, whose variation the chart's summary icon shows."""
        return next((p for p in reversed(self.points) if p.value is not None), None)


def xmr(values, *, better=0, minimum=MINIMUM_POINTS):
    """An XmR chart of ``values`` in time order (None for a month without a figure: left out
    of the mean and the moving ranges, which join the points either side of it).

    ``better``: +1 when higher is better, -1 when lower is, 0 when neither. With fewer than
    ``minimum`` values it is a run chart: its centre is the median, with no limits and no
    special cause flags."""
    points = [Point(None if v is None else float(v)) for v in values]
    present = [p for p in points if p.value is not None]
    if not present:
        return XmR(points, None, counted=0)
    ys = [p.value for p in present]
    if len(ys) < minimum:
        return XmR(points, median(ys), counted=len(ys))
    mean = fmean(ys)
    ranges = [abs(b - a) for a, b in zip(ys, ys[1:], strict=False)]
    moving_range = fmean(ranges)
    chart = XmR(
        points,
        mean,
        moving_range,
        upper=mean + LIMIT * moving_range,
        lower=mean - LIMIT * moving_range,
        near_upper=mean + NEAR * LIMIT * moving_range,
        near_lower=mean - NEAR * LIMIT * moving_range,
        limits=True,
        counted=len(ys),
    )
    side = [_sign(y - mean) for y in ys]
    for point, s in zip(present, side, strict=True):
        point.outside = point.value > chart.upper or point.value < chart.lower
        point.direction = s
    for start, end, s in _runs(side):
        if s and end - start >= SHIFT:
            for point in present[start:end]:
                point.shift = True
    steps = [_sign(b - a) for a, b in zip(ys, ys[1:], strict=False)]
    for start, end, s in _runs(steps):
        # ``end - start`` steps join ``end - start + 1`` points.
        if s and end - start + 1 >= TREND:
            for point in present[start : end + 1]:
                point.trend = True
                if not (point.outside or point.shift):
                    point.direction = s
    beyond = [
        1 if y > chart.near_upper else -1 if y < chart.near_lower else 0 for y in ys
    ]  # +1 beyond the upper two-thirds line, -1 beyond the lower
    for start in range(len(ys) - 2):
        window = beyond[start : start + 3]
        for s in (1, -1):
            if window.count(s) >= 2:
                for offset, b in enumerate(window):
                    if b == s:
                        present[start + offset].two_of_three = True
    for point in present:
        if point.special:
            point.variation = (
                NEITHER if not better else IMPROVEMENT if point.direction == better else CONCERN
            )
    return chart


def _sign(x):
    return (x > 0) - (x < 0)


def _runs(signs):
    """(start, end, sign) of each stretch of equal signs, end exclusive."""
    start = 0
    for index in range(1, len(signs) + 1):
        if index == len(signs) or signs[index] != signs[start]:
            yield start, index, signs[start]
            start = index
