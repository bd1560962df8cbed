"""The population section of the evaluation report (evaluation-measures.md), as one query."""

import datetime

from django.conf import settings
from django.db.models import Count, Q

from cc4c import breakdown
from cc4c.measures import pct
from hubs.models import Practice
from population.models import SEGMENT_COUNT, Child, ValueSet

ASTHMA_VALUE_SET = "asthma"
ASTHMA_PLAN_DAYS = 365
COUNTS = [
    "children_registered",
    "asthma_register",
    "_asthma_plan_n",
    *[f"segment_{n}_children" for n in range(1, SEGMENT_COUNT + 1)],
]


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _registered(on):
    """Registered on ``on`` and under the age limit then."""
    youngest_excluded = years_before(on, settings.POPULATION_AGE_LIMIT_YEARS)
    return (
        Q(registered_on__lte=on)
        & (Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=on))
        & Q(date_of_birth__gt=youngest_excluded)
    )


def registered_population(hub_ids, on):
    """Children registered at the hubs' practices on ``on`` and under the age limit then."""
    return Child.objects.filter(_registered(on), practice__hub_id__in=hub_ids)


def asthma_codes():
    value_set = ValueSet.objects.filter(name=ASTHMA_VALUE_SET).first()
    return list(value_set.codes) if value_set else []


def _counts_by_hub(hub_ids, date_to):
    """{hub id: counts} of the population as at ``date_to``: one query grouped by practice and
    segment (no join: the hubs' practices are looked up first), summed per hub here."""
    codes = asthma_codes()
    plan_since = date_to - datetime.timedelta(days=ASTHMA_PLAN_DAYS - 1)
    on_register = Q(conditions__overlap=codes) if codes else Q(pk__in=[])
    hub_of = dict(Practice.objects.filter(hub_id__in=hub_ids).values_list("pk", "hub_id"))
    rows = (
        Child.objects.filter(_registered(date_to), practice_id__in=list(hub_of))
        .order_by()
        .values_list("practice_id", "segment")
        .annotate(
            children=Count("*"),
            asthma=Count("id", filter=on_register),
            plan=Count(
                "id",
                filter=on_register & Q(asthma_plan_reviewed_on__range=(plan_since, date_to)),
            ),
        )
    )
    counts = {hub_id: dict.fromkeys(COUNTS, 0) for hub_id in hub_ids}
    for practice_id, segment, children, asthma, plan in rows:
        hub_counts = counts[hub_of[practice_id]]
        hub_counts["children_registered"] += children
        hub_counts["asthma_register"] += asthma
        hub_counts["_asthma_plan_n"] += plan
        if segment is not None and 1 <= segment <= SEGMENT_COUNT:
            hub_counts[f"segment_{segment}_children"] += children
    return counts


def population_measures(hub_ids, date_from, date_to, *, by=None):
    """Population as at the end of the period; segments are the children's current segments.

    Per hub from one GROUP BY query; for the hubs together, the sum of the hubs (a child is
    registered at one practice of one hub), so a report's two asks share that query
    (cc4c.breakdown.shared). Per month, each month's figures are the population as at the
    month's last day inside the period: one query a month."""
    breakdown.check(by)
    if by == "month":
        return {
            month: population_measures(hub_ids, first, last)
            for month, first, last in breakdown.clipped_months(date_from, date_to)
        }
    hub_ids = list(hub_ids)
    by_hub = breakdown.shared(
        ("population", tuple(hub_ids), date_to), lambda: _counts_by_hub(hub_ids, date_to)
    )

    def finish(counts):
        values = dict(counts)
        values["asthma_plan_pct"] = pct(values["_asthma_plan_n"], values["asthma_register"])
        return values

    if by == "hub":
        return {hub_id: finish(counts) for hub_id, counts in by_hub.items()}
    return finish({key: sum(counts[key] for counts in by_hub.values()) for key in COUNTS})
