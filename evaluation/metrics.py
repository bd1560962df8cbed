"""Hospital activity and the measures that combine sections (docs/evaluation-measures.md)."""

import operator
from functools import reduce

from django.db.models import Q, Sum

from cc4c import breakdown
from cc4c.measures import pct
from evaluation.definitions import HOSPITAL_ACTIVITIES
from evaluation.models import HospitalActivity, UnitCost
from evaluation.periods import financial_year_of, whole_months
from hubs.models import Practice


def _months_q(date_from, date_to):
    """The whole months inside [date_from, date_to] as a filter (None when there are none)."""
    months = whole_months(date_from, date_to)
    return Q(month__gte=months[0], month__lte=months[-1]) if months else None


def _activity_totals(hub_ids, period):
    """{"baseline" | "period": {hub id: {activity: total}}} over the whole months of each span,
    from one query grouped by hub and activity."""
    spans = {
        "baseline": _months_q(period.baseline_from, period.baseline_to),
        "period": _months_q(period.date_from, period.date_to),
    }
    totals = {
        span: {hub_id: dict.fromkeys((a for a, _ in HOSPITAL_ACTIVITIES), 0) for hub_id in hub_ids}
        for span in spans
    }
    spans = {span: q for span, q in spans.items() if q is not None}
    if not spans:
        return totals
    # Grouped by practice without joining practices; each practice's hub is looked up first.
    hub_of = dict(Practice.objects.filter(hub_id__in=hub_ids).values_list("pk", "hub_id"))
    rows = (
        HospitalActivity.objects.filter(
            reduce(operator.or_, spans.values()), practice_id__in=list(hub_of)
        )
        .order_by()
        .values_list("practice_id", "activity")
        .annotate(**{span: Sum("count", filter=q) for span, q in spans.items()})
    )
    for practice_id, activity, *sums in rows:
        for span, total in zip(spans, sums, strict=True):
            totals[span][hub_of[practice_id]][activity] += total or 0
    return totals


def hospital_measures(hub_ids, period, *, by=None):
    """Baseline and period totals of each hospital activity, for the hubs together or per hub;
    a report's two asks share one query (cc4c.breakdown.shared)."""
    if by == "month":
        raise ValueError("Hospital activity compares two periods: it has no month breakdown.")
    breakdown.check(by)
    hub_ids = list(hub_ids)
    totals = breakdown.shared(
        ("hospital", tuple(hub_ids), period), lambda: _activity_totals(hub_ids, period)
    )

    def total(span, group, activity):
        if group is None:
            return sum(per_hub[activity] for per_hub in totals[span].values())
        return totals[span][group][activity]

    def finish(group):
        values = {}
        for activity, _label in HOSPITAL_ACTIVITIES:
            before, after = total("baseline", group, activity), total("period", group, activity)
            values[f"hospital_{activity}_baseline"] = before
            values[f"hospital_{activity}_period"] = after
            values[f"hospital_{activity}_change_pct"] = pct(after - before, before)
        return values

    return breakdown.spread(by, hub_ids, period.date_from, period.date_to, finish)


def new_appointments_in_hub_pct(values):
    new_in_hub = values.get("clinic_new_patients")
    new_in_hospital = values.get("hospital_op_new_period")
    if new_in_hub is None or new_in_hospital is None:
        return None
    return pct(new_in_hub, new_in_hub + new_in_hospital)


def unit_costs(hub_ids, period):
    """{hub id: UnitCost} for the financial year in which the period ends, in one query."""
    costs = UnitCost.objects.filter(
        hub_id__in=hub_ids, financial_year=financial_year_of(period.date_to)
    )
    return {cost.hub_id: cost for cost in costs}


def net_saving(cost, values):
    """Σ (baseline − period) × unit cost − clinic sessions × session cost, in whole pounds.

    ``cost`` is the hub's UnitCost for the financial year in which the period ends; None
    without one gives None.
    """
    if cost is None:
        return None
    total = 0
    for activity, _label in HOSPITAL_ACTIVITIES:
        change = values[f"hospital_{activity}_baseline"] - values[f"hospital_{activity}_period"]
        total += change * getattr(cost, activity)
    return total - (values.get("clinic_sessions") or 0) * cost.clinic_session
