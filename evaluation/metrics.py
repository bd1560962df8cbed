"""Hospital activity, its rates per 1,000 children, the comparison practices, and the measures
that combine sections (docs/evaluation-measures.md).

One read of the activity and one of the registered children serve a whole report: the hubs
together, each hub, the comparison practices and the monthly series of the SPC charts."""

from collections import defaultdict
from fractions import Fraction

from cc4c import breakdown
from cc4c.measures import pct, round_fraction
from evaluation.definitions import HOSPITAL_ACTIVITIES
from evaluation.models import HospitalActivity
from evaluation.periods import add_months, last_of_month, whole_months
from hubs.models import Practice
from population.metrics import registered_counts

ACTIVITIES = [activity for activity, _label in HOSPITAL_ACTIVITIES]


def chart_months(period):
    """The whole months the hospital SPC charts cover: from the first whole month of the
    baseline (or of the period, if earlier) to the last whole month of the period, each one."""
    spans = whole_months(period.baseline_from, period.baseline_to) + whole_months(
        period.date_from, period.date_to
    )
    if not spans:
        return []
    month, last, months = min(spans), max(spans), []
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


class Counter0(dict):
    """A dict of counts that reads 0 for a key it lacks."""

    def __missing__(self, key):
        return 0


class _Activity:
    """What one report needs of the hospital activity and the registered children."""

    def __init__(self, hub_ids, period):
        self.hub_ids = list(hub_ids)
        self.baseline_months = set(whole_months(period.baseline_from, period.baseline_to))
        self.period_months = set(whole_months(period.date_from, period.date_to))
        self.months = chart_months(period)
        hub_of = dict(Practice.objects.filter(hub_id__in=self.hub_ids).values_list("pk", "hub_id"))
        comparison = set(Practice.objects.filter(comparison=True).values_list("pk", flat=True))
        self.comparison_practices = len(comparison)
        # counts[group][span][activity]; group: a hub id, or "comparison".
        self.counts = defaultdict(lambda: {"baseline": Counter0(), "period": Counter0()})
        self.monthly = defaultdict(Counter0)  # the hubs together: {month: {activity: n}}
        if self.months:
            rows = (
                HospitalActivity.objects.filter(
                    practice_id__in=[*hub_of, *comparison],
                    month__gte=self.months[0],
                    month__lte=self.months[-1],
                )
                .order_by()
                .values_list("practice_id", "month", "activity", "count")
            )
            for practice_id, month, activity, count in rows:
                group = "comparison" if practice_id in comparison else hub_of[practice_id]
                if month in self.baseline_months:
                    self.counts[group]["baseline"][activity] += count
                if month in self.period_months:
                    self.counts[group]["period"][activity] += count
                if group != "comparison":
                    self.monthly[month][activity] += count
        # Children registered on the baseline's and the period's last days, and at each month
        # end of the charts: one query.
        month_ends = [last_of_month(month) for month in self.months]
        self.days = list(dict.fromkeys([period.baseline_to, period.date_to, *month_ends]))
        found = registered_counts([*hub_of, *comparison], self.days)
        self.registered = defaultdict(lambda: [0] * len(self.days))
        for practice_id, counts in found.items():
            group = "comparison" if practice_id in comparison else hub_of[practice_id]
            totals = self.registered[group]
            for index, n in enumerate(counts):
                totals[index] += n
        self.registered_on = {
            day: sum(self.registered[hub_id][index] for hub_id in self.hub_ids)
            for index, day in enumerate(self.days)
        }
        self.baseline_day, self.period_day = period.baseline_to, period.date_to

    def group(self, groups):
        """(counts by span and activity, registered at the baseline's end, at the period's)."""
        spans = {"baseline": Counter0(), "period": Counter0()}
        registered = [0, 0]
        for group in groups:
            for span in spans:
                for activity, n in self.counts[group][span].items():
                    spans[span][activity] += n
            totals = self.registered[group]
            registered[0] += totals[self.days.index(self.baseline_day)]
            registered[1] += totals[self.days.index(self.period_day)]
        return spans, registered


def _activity(hub_ids, period):
    return breakdown.shared(
        ("hospital", tuple(hub_ids), period), lambda: _Activity(hub_ids, period)
    )


def per_1000(count, registered):
    """count / registered × 1,000 as an exact fraction, or None without children."""
    return Fraction(count * 1000, registered) if registered else None


def change(after, before):
    """(after − before) / before × 100 as an exact fraction, or None when before is 0."""
    if after is None or not before:
        return None
    return (Fraction(after) - before) / before * 100


def hospital_measures(hub_ids, period, *, by=None):
    """Baseline and period totals of each hospital activity, their rates per 1,000 registered
    children, and the change against the comparison practices, for the hubs together or per
    hub; a report's asks share one read (cc4c.breakdown.shared)."""
    if by == "month":
        raise ValueError("Hospital activity compares two periods: it has no month breakdown.")
    breakdown.check(by)
    hub_ids = list(hub_ids)
    data = _activity(hub_ids, period)
    comparison, comparison_registered = data.group(["comparison"])
    compared = bool(data.comparison_practices)

    def finish(group):
        spans, (registered_before, registered_after) = data.group(
            hub_ids if group is None else [group]
        )
        values = {
            "_registered_baseline": registered_before,
            "_registered_period": registered_after,
            "_comparison_registered_baseline": comparison_registered[0],
            "_comparison_registered_period": comparison_registered[1],
        }
        for activity in ACTIVITIES:
            before, after = spans["baseline"][activity], spans["period"][activity]
            values[f"hospital_{activity}_baseline"] = before
            values[f"hospital_{activity}_period"] = after
            values[f"hospital_{activity}_change_pct"] = pct(after - before, before)
            rate_before = per_1000(before, registered_before)
            rate_after = per_1000(after, registered_after)
            rate_change = change(rate_after, rate_before)
            values[f"hospital_{activity}_per_1000_baseline"] = round_fraction(rate_before)
            values[f"hospital_{activity}_per_1000_period"] = round_fraction(rate_after)
            values[f"hospital_{activity}_rate_change_pct"] = round_fraction(rate_change)
            c_before, c_after = comparison["baseline"][activity], comparison["period"][activity]
            values[f"_comparison_{activity}_baseline"] = c_before
            values[f"_comparison_{activity}_period"] = c_after
            comparison_change = None
            if compared:
                comparison_change = change(
                    per_1000(c_after, comparison_registered[1]),
                    per_1000(c_before, comparison_registered[0]),
                )
            relative = None
            if rate_change is not None and comparison_change is not None:
                relative = rate_change - comparison_change
            values[f"hospital_{activity}_comparison_change_pct"] = round_fraction(comparison_change)
            values[f"hospital_{activity}_relative_change_pct"] = round_fraction(relative)
        return values

    return breakdown.spread(by, hub_ids, period.date_from, period.date_to, finish)


def comparison_practices(hub_ids, period):
    """How many comparison practices the report compares its hubs with."""
    return _activity(list(hub_ids), period).comparison_practices


def hospital_months(hub_ids, period):
    """[{"month": first of month, "registered": children at its end, activity: count, ...}]
    for the hubs together over chart_months(period): the SPC charts' series."""
    data = _activity(list(hub_ids), period)
    return [
        {
            "month": month,
            "registered": data.registered_on[last_of_month(month)],
            **{activity: data.monthly[month][activity] for activity in ACTIVITIES},
        }
        for month in data.months
    ]


def new_appointments_in_hub_pct(values):
    new_in_hub = values.get("clinic_new_patients")
    new_in_hospital = values.get("hospital_op_new_period")
    if new_in_hub is None or new_in_hospital is None:
        return None
    return pct(new_in_hub, new_in_hub + new_in_hospital)
