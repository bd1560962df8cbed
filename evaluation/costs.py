"""The cost model (docs/evaluation-measures.md, "Cost model"): the hospital activity avoided,
valued at tariff, minus what running the hub cost, with every step of the sum kept so the
report can show it beside the figure.

Tariffs are data (evaluation.models.Tariff): the price in effect on the period's last day, the
hub's own where it has one, else the national default. A hub's running cost
(evaluation.models.HubCost) is that of the financial year in which the period ends."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from evaluation.definitions import HOSPITAL_ACTIVITIES
from evaluation.models import HubCost, Tariff
from evaluation.periods import financial_year_of, whole_months


def tariffs(hub_ids, day):
    """{hub id: {activity: (price, source, whose)}} in effect on ``day``, in one query; an
    activity without any price in effect is absent."""
    national, own = {}, {}
    rows = (
        Tariff.objects.filter(
            Q(hub__isnull=True) | Q(hub_id__in=list(hub_ids)), valid_from__lte=day
        )
        .order_by("valid_from")
        .values_list("hub_id", "activity", "price_gbp", "source")
    )
    for hub_id, activity, price, source in rows:
        # Later rows replace earlier ones: what is left is the price in effect on ``day``.
        if hub_id is None:
            national[activity] = (price, source, "national")
        else:
            own.setdefault(hub_id, {})[activity] = (price, source, "hub")
    return {hub_id: {**national, **own.get(hub_id, {})} for hub_id in hub_ids}


def hub_costs(hub_ids, period):
    """{hub id: HubCost} of the financial year in which the period ends, in one query."""
    year = financial_year_of(period.date_to)
    return {
        cost.hub_id: cost
        for cost in HubCost.objects.filter(hub_id__in=list(hub_ids), financial_year=year)
    }


def _pounds(value):
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hub_calculation(values, prices, cost, months):
    """The sum for one hub: each activity's avoided count × its tariff, the running cost, the
    net figure (all whole pounds; None where a tariff is missing)."""
    lines, gross = [], 0
    for activity, _label in HOSPITAL_ACTIVITIES:
        before = values[f"hospital_{activity}_baseline"]
        after = values[f"hospital_{activity}_period"]
        price = prices.get(activity)
        saving = None if price is None else (before - after) * price[0]
        lines.append(
            {
                "activity": activity,
                "baseline": before,
                "period": after,
                "avoided": before - after,
                "prices": [] if price is None else [price[0]],
                "sources": [] if price is None else [price[1] or price[2]],
                "saving": saving,
            }
        )
        gross = None if gross is None or saving is None else gross + saving
    sessions = values.get("clinic_sessions") or 0
    per_session = cost.clinic_session_gbp if cost else None
    yearly = cost.yearly_gbp if cost else None
    running = 0
    if per_session is not None:
        running += sessions * per_session
    if yearly is not None:
        running += _pounds(Decimal(yearly) * months / 12)
    return {
        "lines": lines,
        "gross": gross,
        "sessions": sessions,
        "clinic_session_gbp": [] if per_session is None else [per_session],
        "yearly_gbp": [] if yearly is None else [yearly],
        "months": months,
        "running": running,
        "running_entered": per_session is not None or yearly is not None,
        "net": None if gross is None else gross - running,
    }


def together(calculations):
    """The sum over several hubs: counts and pounds added, the prices each hub used listed."""
    first = calculations[0]
    lines = []
    for index, line in enumerate(first["lines"]):
        rows = [c["lines"][index] for c in calculations]
        savings = [row["saving"] for row in rows]
        lines.append(
            {
                "activity": line["activity"],
                "baseline": sum(row["baseline"] for row in rows),
                "period": sum(row["period"] for row in rows),
                "avoided": sum(row["avoided"] for row in rows),
                "prices": sorted({p for row in rows for p in row["prices"]}),
                "sources": sorted({s for row in rows for s in row["sources"]}),
                "saving": None if None in savings else sum(savings),
            }
        )
    grosses = [c["gross"] for c in calculations]
    gross = None if None in grosses else sum(grosses)
    running = sum(c["running"] for c in calculations)
    return {
        "lines": lines,
        "gross": gross,
        "sessions": sum(c["sessions"] for c in calculations),
        "clinic_session_gbp": sorted({p for c in calculations for p in c["clinic_session_gbp"]}),
        "yearly_gbp": sorted({p for c in calculations for p in c["yearly_gbp"]}),
        "months": first["months"],
        "running": running,
        "running_entered": any(c["running_entered"] for c in calculations),
        "net": None if gross is None else gross - running,
    }


def calculations(hubs, period, values_by_hub):
    """{hub id: calculation} for every hub of the report (three queries in all)."""
    hub_ids = [hub.pk for hub in hubs]
    prices = tariffs(hub_ids, period.date_to)
    costs = hub_costs(hub_ids, period)
    months = len(whole_months(period.date_from, period.date_to))
    return {
        hub_id: hub_calculation(values_by_hub[hub_id], prices[hub_id], costs.get(hub_id), months)
        for hub_id in hub_ids
    }


def figures(calculation):
    """The three measures of the cost model from one calculation."""
    return {
        "estimated_gross_saving_gbp": calculation["gross"],
        "hub_running_cost_gbp": calculation["running"],
        "estimated_net_saving_gbp": calculation["net"],
    }
