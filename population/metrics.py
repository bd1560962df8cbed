"""The population section of the evaluation report (evaluation-measures.md), as one query."""

import datetime

from django.conf import settings
from django.db.models import Count, Q

from cc4c.measures import pct
from population.models import SEGMENT_COUNT, Child, ValueSet

ASTHMA_VALUE_SET = "asthma"
ASTHMA_PLAN_DAYS = 365


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def registered_population(hub_ids, on):
    """Children registered at the hubs' practices on ``on`` and under the age limit then."""
    youngest_excluded = years_before(on, settings.POPULATION_AGE_LIMIT_YEARS)
    return Child.objects.filter(
        Q(practice__hub_id__in=hub_ids),
        Q(registered_on__lte=on),
        Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=on),
        date_of_birth__gt=youngest_excluded,
    )


def asthma_codes():
    value_set = ValueSet.objects.filter(name=ASTHMA_VALUE_SET).first()
    return list(value_set.codes) if value_set else []


def population_measures(hub_ids, date_from, date_to):
    """Population as at the end of the period; segments are the children's current segments."""
    codes = asthma_codes()
    plan_since = date_to - datetime.timedelta(days=ASTHMA_PLAN_DAYS - 1)
    on_register = Q(conditions__overlap=codes) if codes else Q(pk__in=[])
    aggregates = {
        "children_registered": Count("id"),
        "asthma_register": Count("id", filter=on_register),
        "_asthma_plan_n": Count(
            "id",
            filter=on_register & Q(asthma_plan_reviewed_on__range=(plan_since, date_to)),
        ),
    }
    for n in range(1, SEGMENT_COUNT + 1):
        aggregates[f"segment_{n}_children"] = Count("id", filter=Q(segment=n))
    values = registered_population(hub_ids, date_to).aggregate(**aggregates)
    values["asthma_plan_pct"] = pct(values["_asthma_plan_n"], values["asthma_register"])
    return values
