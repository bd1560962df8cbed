"""One computation of every measure for some hubs and a period, feeding every output."""

import inspect

from django.utils import timezone

from advice.metrics import advice_measures
from cc4c import breakdown
from champions.metrics import champion_measures
from clinics.metrics import clinic_measures
from evaluation import costs
from evaluation.metrics import (
    comparison_practices,
    hospital_measures,
    hospital_months,
    new_appointments_in_hub_pct,
)
from evaluation.periods import clipped_months
from families.metrics import family_message_measures
from feedback.metrics import experience_measures
from mdt.metrics import mdt_measures
from population.metrics import population_measures, programme_measures
from population.models import Segment

# Each app's metrics.py: (function, charted month by month). Each function takes
# (hub_ids, date_from, date_to, *, by=None) and returns {measure key: value}, plus hidden
# ``_..._n`` numerators used for suppression: for the hubs together, or with by="hub" /
# by="month" a dict of those per hub id / per first of month (cc4c.breakdown), each computed
# from its own rows. The population and the programmes are as at the period's end: no time
# axis (a programme's coverage month by month is charted on its worklist, from the month-end
# snapshots).
SOURCES = [
    (population_measures, False),
    (programme_measures, False),
    (mdt_measures, True),
    (clinic_measures, True),
    (advice_measures, True),
    (champion_measures, True),
    (experience_measures, True),
    (family_message_measures, True),
]

ALL = "ALL"


def _call(function, hub_ids, date_from, date_to, now, by):
    parameters = inspect.signature(function).parameters
    kwargs = {"now": now} if "now" in parameters else {}
    if "by" in parameters:
        return function(hub_ids, date_from, date_to, by=by, **kwargs)
    # A source without the breakdown yet: asked once per hub or per month.
    if by == "hub":
        return {hub_id: function([hub_id], date_from, date_to, **kwargs) for hub_id in hub_ids}
    if by == "month":
        return {
            month: function(hub_ids, first, last, **kwargs)
            for month, first, last in clipped_months(date_from, date_to)
        }
    return function(hub_ids, date_from, date_to, **kwargs)


def compute(hubs, period, now=None):
    """{"rows": {hub code or ALL: values}, "months": [...]} for the hubs and the period.

    Each source is asked three times, for the hubs together, per hub and per month, whatever
    the number of hubs: a bounded number of queries."""
    now = now or timezone.now()
    with breakdown.one_computation():
        return _compute(list(hubs), period, now)


def _compute(hubs, period, now):
    hub_ids = [hub.pk for hub in hubs]
    combined = {}
    per_hub = {hub_id: {} for hub_id in hub_ids}
    per_month = {
        month: {} for month, _first, _last in clipped_months(period.date_from, period.date_to)
    }
    for function, charted in SOURCES:
        combined.update(_call(function, hub_ids, period.date_from, period.date_to, now, None))
        by_hub = _call(function, hub_ids, period.date_from, period.date_to, now, "hub")
        for hub_id in hub_ids:
            per_hub[hub_id].update(by_hub[hub_id])
        if charted:
            by_month = _call(function, hub_ids, period.date_from, period.date_to, now, "month")
            for month, values in per_month.items():
                values.update(by_month[month])
    combined.update(hospital_measures(hub_ids, period))
    combined["new_appointments_in_hub_pct"] = new_appointments_in_hub_pct(combined)
    hospital = hospital_measures(hub_ids, period, by="hub")
    for hub_id in hub_ids:
        per_hub[hub_id].update(hospital[hub_id])
        per_hub[hub_id]["new_appointments_in_hub_pct"] = new_appointments_in_hub_pct(
            per_hub[hub_id]
        )
    calculations = costs.calculations(hubs, period, per_hub)
    rows, cost_rows = {}, {}
    for hub in hubs:
        per_hub[hub.pk].update(costs.figures(calculations[hub.pk]))
        rows[hub.code] = per_hub[hub.pk]
        cost_rows[hub.code] = calculations[hub.pk]
    cost_rows[ALL] = costs.together([calculations[hub_id] for hub_id in hub_ids])
    combined.update(costs.figures(cost_rows[ALL]))
    rows[ALL] = combined
    months = [
        {"month": month.strftime("%Y-%m"), "values": values} for month, values in per_month.items()
    ]
    return {
        "hubs": [{"id": hub.pk, "code": hub.code, "name": hub.name} for hub in hubs],
        "period": [period.date_from.isoformat(), period.date_to.isoformat()],
        "baseline": [period.baseline_from.isoformat(), period.baseline_to.isoformat()],
        "built_at": now.isoformat(),
        "rows": rows,
        "months": months,
        "hospital_months": [
            {**month, "month": month["month"].strftime("%Y-%m")}
            for month in hospital_months(hub_ids, period)
        ],
        "costs": cost_rows,
        "comparison_practices": comparison_practices(hub_ids, period),
        "segments": dict(Segment.objects.values_list("number", "name")),
    }
