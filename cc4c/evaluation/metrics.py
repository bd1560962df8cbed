"""Hospital activity and the measures that combine sections (evaluation-measures.md)."""

from django.db.models import Sum

from cc4c import breakdown
from cc4c.evaluation.definitions import HOSPITAL_ACTIVITIES
from cc4c.evaluation.models import HospitalActivity, UnitCost
from cc4c.evaluation.periods import financial_year_of, whole_months
from cc4c.measures import pct


def _activity_totals(hub_ids, date_from, date_to, by):
    """{group: {activity: total}} over the whole months inside [date_from, date_to]."""
    months = whole_months(date_from, date_to)
    totals = {
        group: dict.fromkeys((a for a, _ in HOSPITAL_ACTIVITIES), 0)
        for group in breakdown.keys(by, hub_ids, date_from, date_to)
    }
    if not months:
        return totals
    rows = (
        HospitalActivity.objects.filter(
            practice__hub_id__in=hub_ids, month__gte=months[0], month__lte=months[-1]
        )
        .annotate(_group=breakdown.group_key(by, hub="practice__hub_id", date="month"))
        .order_by()
        .values("_group", "activity")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        totals[row["_group"]][row["activity"]] = row["total"]
    return totals


def hospital_measures(hub_ids, period, *, by=None):
    """Baseline and period totals of each hospital activity, for the hubs together or per hub."""
    if by == "month":
        raise ValueError("Hospital activity compares two periods: it has no month breakdown.")
    baseline = _activity_totals(hub_ids, period.baseline_from, period.baseline_to, by)
    current = _activity_totals(hub_ids, period.date_from, period.date_to, by)

    def finish(group):
        values = {}
        for activity, _label in HOSPITAL_ACTIVITIES:
            before, after = baseline[group][activity], current[group][activity]
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
