"""Hospital activity and the measures that combine sections (evaluation-measures.md)."""

from django.db.models import Sum

from cc4c.evaluation.definitions import HOSPITAL_ACTIVITIES
from cc4c.evaluation.models import HospitalActivity, UnitCost
from cc4c.evaluation.periods import financial_year_of, whole_months
from cc4c.measures import pct


def _activity_totals(hub_ids, date_from, date_to):
    months = whole_months(date_from, date_to)
    totals = dict.fromkeys((a for a, _ in HOSPITAL_ACTIVITIES), 0)
    if not months:
        return totals
    rows = (
        HospitalActivity.objects.filter(
            practice__hub_id__in=hub_ids, month__gte=months[0], month__lte=months[-1]
        )
        .values("activity")
        .annotate(total=Sum("count"))
    )
    for row in rows:
        totals[row["activity"]] = row["total"]
    return totals


def hospital_measures(hub_ids, period):
    baseline = _activity_totals(hub_ids, period.baseline_from, period.baseline_to)
    current = _activity_totals(hub_ids, period.date_from, period.date_to)
    values = {}
    for activity, _label in HOSPITAL_ACTIVITIES:
        before, after = baseline[activity], current[activity]
        values[f"hospital_{activity}_baseline"] = before
        values[f"hospital_{activity}_period"] = after
        values[f"hospital_{activity}_change_pct"] = pct(after - before, before)
    return values


def new_appointments_in_hub_pct(values):
    new_in_hub = values.get("clinic_new_patients")
    new_in_hospital = values.get("hospital_op_new_period")
    if new_in_hub is None or new_in_hospital is None:
        return None
    return pct(new_in_hub, new_in_hub + new_in_hospital)


def net_saving(hub_id, period, values):
    """Σ (baseline − period) × unit cost − clinic sessions × session cost, in whole pounds.

    Unit costs are the hub's for the financial year in which the period ends; None without them.
    """
    cost = UnitCost.objects.filter(hub_id=hub_id, financial_year=financial_year_of(period.date_to))
    cost = cost.first()
    if cost is None:
        return None
    total = 0
    for activity, _label in HOSPITAL_ACTIVITIES:
        change = values[f"hospital_{activity}_baseline"] - values[f"hospital_{activity}_period"]
        total += change * getattr(cost, activity)
    return total - (values.get("clinic_sessions") or 0) * cost.clinic_session
