"""Statistical process control charts of a report (docs/evaluation-measures.md, "Statistical
process control"): monthly XmR charts, Making Data Count style, for the report's hubs
together, drawn from a stored result.

Each chart reads whole calendar months only (a part month would look like a fall). MDT cases,
clinic not-brought % and advice within target % are those of the period's months; emergency
department attendances and admissions per 1,000 children run from the first month of the
baseline to the last of the period, each month's count over the children registered at its
end. A report with small numbers hidden is charted from the figures it shows: a hidden month
is a gap, so nothing hidden can be read back from a line or a limit."""

import datetime
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cc4c import csv_export, formatting, stats
from cc4c.measures import round_1dp
from evaluation.periods import last_of_month
from evaluation.suppression import STAR, suppress, visible


@dataclass(frozen=True)
class Spec:
    key: str
    title: str
    y_label: str
    better: int
    kind: str  # count, pct or rate
    activity: str = ""  # a hospital activity: a rate per 1,000 children from the monthly counts


SPECS = [
    Spec("mdt_cases_discussed", "MDT cases discussed each month", "Cases discussed", 1, "count"),
    Spec(
        "clinic_dna_pct",
        "Outreach clinic appointments the child was not brought to (%)",
        "% of appointments",
        -1,
        "pct",
    ),
    Spec(
        "advice_within_target_pct",
        "Advice requests answered within the response target (%)",
        "% of requests",
        1,
        "pct",
    ),
    Spec(
        "ed_attendance_per_1000",
        "Emergency department attendances per 1,000 children each month",
        "Per 1,000 children",
        -1,
        "rate",
        activity="ed_attendance",
    ),
    Spec(
        "admission_per_1000",
        "Hospital admissions per 1,000 children each month",
        "Per 1,000 children",
        -1,
        "rate",
        activity="admission",
    ),
]
BY_KEY = {spec.key: spec for spec in SPECS}

FLAGS = [
    ("outside", "outside the process limits"),
    ("shift", "run of 7 or more on one side of the mean"),
    ("trend", "6 or more rising or falling in a row"),
    ("two_of_three", "2 of 3 beyond two-thirds of the way to a limit"),
]
VARIATION_WORDS = {
    stats.IMPROVEMENT: "Special cause variation: improvement",
    stats.CONCERN: "Special cause variation: concern",
    stats.NEITHER: "Special cause variation",
    stats.COMMON: "Common cause variation: no significant change",
}


@dataclass
class Point(stats.Point):
    month: datetime.date | None = None
    shown: object = None  # the figure as the report shows it


@dataclass
class Chart:
    spec: Spec
    points: list
    centre: float | None = None
    upper: float | None = None
    lower: float | None = None
    limits: bool = False
    counted: int = 0
    notes: list = field(default_factory=list)

    @property
    def key(self):
        return self.spec.key

    @property
    def title(self):
        return self.spec.title

    @property
    def y_label(self):
        return self.spec.y_label

    @property
    def ceiling(self):
        return 100 if self.spec.kind == "pct" else None

    @property
    def latest(self):
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @property
    def variation(self):
        """The latest month's variation (the chart's summary icon), or None for a run chart."""
        if not self.limits or self.latest is None:
            return None
        return self.latest.variation

    @property
    def direction(self):
        return self.latest.direction if self.latest else 0

    def summary(self):
        """The chart's verdict in words, as the icon says it."""
        if not self.limits:
            return self.reason
        words = VARIATION_WORDS[self.variation]
        if self.variation != stats.COMMON:
            words += f" ({'higher' if self.direction > 0 else 'lower'})"
        return f"{words} in {formatting.month(self.latest.month)}"

    @property
    def reason(self):
        if self.limits:
            return ""
        if not self.counted:
            return "No months with a figure to chart."
        return (
            f"Run chart: {self.counted} month{'s' if self.counted != 1 else ''} with a figure; "
            f"process limits need at least {stats.MINIMUM_POINTS}."
        )

    def figure(self, value):
        """A line's value as the chart shows it: whole numbers of a count, else one decimal."""
        if value is None:
            return ""
        rounded = round_1dp(value)
        if self.spec.kind == "count":
            return str(rounded.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return str(rounded)

    def description(self):
        shown = [p for p in self.points if p.value is not None]
        if not shown:
            return f"{self.title}: no months with a figure."
        first, last = shown[0], shown[-1]
        text = (
            f"{self.title}, {formatting.month(first.month)} to {formatting.month(last.month)}: "
            f"{len(shown)} months. "
        )
        if self.limits:
            text += (
                f"Mean {self.figure(self.centre)}, process limits {self.figure(self.lower)} to "
                f"{self.figure(self.upper)}. "
            )
        else:
            text += f"Median {self.figure(self.centre)}. "
        return text + self.summary() + "."


def _series(spec, result, suppressed):
    """[(first of month, value as shown)] of one chart."""
    if spec.activity:
        out = []
        for month in result.get("hospital_months", []):
            registered = month["registered"]
            count = month[spec.activity]
            value = round_1dp(count * 1000 / registered) if registered else None
            out.append((datetime.date.fromisoformat(month["month"] + "-01"), value))
        return out
    date_from, date_to = (datetime.date.fromisoformat(day) for day in result["period"])
    show = suppress if suppressed else visible
    out = []
    for month in result.get("months", []):
        first = datetime.date.fromisoformat(month["month"] + "-01")
        if first < date_from or last_of_month(first) > date_to:
            continue
        value = show(month["values"]).get(spec.key)
        out.append((first, value))
    return out


def chart(spec, result, suppressed):
    series = _series(spec, result, suppressed)
    numbers = [None if v in (None, STAR) else float(v) for _, v in series]
    analysis = stats.xmr(numbers, better=spec.better)
    points = []
    for (month, shown), analysed in zip(series, analysis.points, strict=True):
        point = Point(
            **{name: getattr(analysed, name) for name in stats.Point.__dataclass_fields__}
        )
        point.month, point.shown = month, shown
        points.append(point)
    return Chart(
        spec,
        points,
        centre=analysis.centre,
        upper=analysis.upper,
        lower=analysis.lower,
        limits=analysis.limits,
        counted=analysis.counted,
    )


def charts(result, suppressed):
    """Every SPC chart of a stored result (none for a result kept before the charts were)."""
    if "hospital_months" not in result:
        return []
    return [chart(spec, result, suppressed) for spec in SPECS]


def to_csv(result, suppressed):
    """Every chart's points, with its mean, limits and the Making Data Count flags."""
    out = io.StringIO()
    writer = csv_export.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "chart",
            "month",
            "value",
            "mean",
            "lower_process_limit",
            "upper_process_limit",
            *[name for name, _words in FLAGS],
            "variation",
        ]
    )
    for c in charts(result, suppressed):
        for point in c.points:
            writer.writerow(
                [
                    c.key,
                    point.month.strftime("%Y-%m"),
                    "" if point.shown is None else point.shown,
                    c.figure(c.centre) if c.limits else "",
                    c.figure(c.lower),
                    c.figure(c.upper),
                    *[
                        ("yes" if getattr(point, name) else "no") if c.limits else ""
                        for name, _words in FLAGS
                    ],
                    (point.variation if point.value is not None else "") if c.limits else "run",
                ]
            )
    return out.getvalue()
