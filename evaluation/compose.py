"""One computation of every measure for some hubs and a period, feeding every output."""

import inspect

from django.utils import timezone

from advice.metrics import advice_measures
from cc4c import breakdown
from champions.metrics import champion_measures
from clinics.metrics import clinic_measures
from evaluation.metrics import (
    hospital_measures,
    net_saving,
    new_appointments_in_hub_pct,
    unit_costs,
)
from evaluation.periods import clipped_months
from families.metrics import family_message_measures
from feedback.metrics import experience_measures
from mdt.metrics import mdt_measures
from population.metrics import population_measures

# Each app's metrics.py: (function, charted month by month). Each function takes
# (hub_ids, date_from, date_to, *, by=None) and returns {measure key: value}, plus hidden
# ``_..._n`` numerators used for suppression: for the hubs together, or with by="hub" /
# by="month" a dict of those per hub id / per first of month (cc4c.breakdown), each computed
# from its own rows. The population is as at the period's end: no time axis.
SOURCES = [
    (population_measures, False),
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
    costs = unit_costs(hub_ids, period)
    rows = {}
    savings = []
    for hub in hubs:
        values = per_hub[hub.pk]
        values.update(hospital[hub.pk])
        values["new_appointments_in_hub_pct"] = new_appointments_in_hub_pct(values)
        values["estimated_net_saving_gbp"] = net_saving(costs.get(hub.pk), values)
        savings.append(values["estimated_net_saving_gbp"])
        rows[hub.code] = values
    combined["estimated_net_saving_gbp"] = None if None in savings else sum(savings)
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
    }
