"""One computation of every measure for some hubs and a period, feeding every output."""

import inspect
from importlib import import_module

from django.utils import timezone

from cc4c.evaluation.metrics import hospital_measures, net_saving, new_appointments_in_hub_pct
from cc4c.evaluation.periods import last_of_month, months_touching

# Each app's metrics.py: (module, function, charted month by month). Each function takes
# (hub_ids, date_from, date_to) and returns {measure key: value}, plus hidden ``_..._n``
# numerators used for suppression. The population is as at the period's end: no time axis.
SOURCES = [
    ("population.metrics", "population_measures", False),
    ("mdt.metrics", "mdt_measures", True),
    ("clinics.metrics", "clinic_measures", True),
    ("advice.metrics", "advice_measures", True),
    ("champions.metrics", "champion_measures", True),
    ("feedback.metrics", "experience_measures", True),
]

ALL = "ALL"


def _sources(monthly=False):
    functions = []
    for module_name, function_name, charted in SOURCES:
        if monthly and not charted:
            continue
        try:
            module = import_module(module_name)
        except ModuleNotFoundError:
            continue
        function = getattr(module, function_name, None)
        if function is not None:
            functions.append(function)
    return functions


def section_values(hub_ids, date_from, date_to, now, monthly=False):
    values = {}
    for function in _sources(monthly):
        if "now" in inspect.signature(function).parameters:
            values.update(function(hub_ids, date_from, date_to, now=now))
        else:
            values.update(function(hub_ids, date_from, date_to))
    return values


def measures_for(hub_ids, period, now):
    values = section_values(hub_ids, period.date_from, period.date_to, now)
    values.update(hospital_measures(hub_ids, period))
    values["new_appointments_in_hub_pct"] = new_appointments_in_hub_pct(values)
    return values


def compute(hubs, period, now=None):
    """{"rows": {hub code or ALL: values}, "months": [...]} for the hubs and the period."""
    now = now or timezone.now()
    hubs = list(hubs)
    rows = {}
    savings = []
    for hub in hubs:
        values = measures_for([hub.pk], period, now)
        values["estimated_net_saving_gbp"] = net_saving(hub.pk, period, values)
        savings.append(values["estimated_net_saving_gbp"])
        rows[hub.code] = values
    hub_ids = [hub.pk for hub in hubs]
    combined = measures_for(hub_ids, period, now)
    combined["estimated_net_saving_gbp"] = None if None in savings else sum(savings)
    rows[ALL] = combined
    months = []
    for month in months_touching(period.date_from, period.date_to):
        start = max(month, period.date_from)
        end = min(last_of_month(month), period.date_to)
        months.append(
            {
                "month": month.strftime("%Y-%m"),
                "values": section_values(hub_ids, start, end, now, monthly=True),
            }
        )
    return {
        "hubs": [{"id": hub.pk, "code": hub.code, "name": hub.name} for hub in hubs],
        "period": [period.date_from.isoformat(), period.date_to.isoformat()],
        "baseline": [period.baseline_from.isoformat(), period.baseline_to.isoformat()],
        "built_at": now.isoformat(),
        "rows": rows,
        "months": months,
    }
