"""The population section of the evaluation report (docs/evaluation-measures.md), as one query.

Registration and age are counted as at ``to`` from the children's registration dates. Each
child's segment, asthma register membership and plan date are as at ``to`` too when ``to`` is
a past month end with a snapshot (population.segmentation.take_month_end_snapshot), else the
child's current values."""

import datetime

from django.conf import settings
from django.db.models import Count, F, FilteredRelation, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

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


def registered_counts(practice_ids, days):
    """{practice id: [children registered there and under the age limit on each of ``days``]}
    from one query (each day a filtered count); practices without such children are absent.
    The evaluation's rates per 1,000 children divide by these (docs/evaluation-measures.md)."""
    if not days:
        return {}
    counts = {f"n{index}": Count("id", filter=_registered(day)) for index, day in enumerate(days)}
    earliest = min(days)
    rows = (
        Child.objects.filter(practice_id__in=list(practice_ids), registered_on__lte=max(days))
        .filter(Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=earliest))
        .order_by()
        .values_list("practice_id")
        .annotate(**counts)
    )
    return {practice_id: list(found) for practice_id, *found in rows}


def asthma_codes():
    value_set = ValueSet.objects.filter(name=ASTHMA_VALUE_SET).first()
    return list(value_set.codes) if value_set else []


def _as_at(children, date_to, today):
    """``children`` with ``_segment``, and the conditions ``(on the asthma register, plan in
    date)``, as at ``date_to``: from each child's month-end snapshot of ``date_to`` when the day
    is past and the child has one, else from the child's current values."""
    codes = asthma_codes()
    plan_since = date_to - datetime.timedelta(days=ASTHMA_PLAN_DAYS - 1)
    on_register = Q(conditions__overlap=codes) if codes else Q(pk__in=[])
    plan_in_date = on_register & Q(asthma_plan_reviewed_on__range=(plan_since, date_to))
    if date_to >= today:  # no month end has been kept for today or a day to come
        return children.annotate(_segment=F("segment")), on_register, plan_in_date
    children = children.annotate(
        _snap=FilteredRelation("snapshots", condition=Q(snapshots__month_end=date_to))
    ).annotate(_segment=Coalesce("_snap__segment", "segment"))
    current = Q(_snap__id__isnull=True)
    return (
        children,
        Q(_snap__on_asthma_register=True) | (current & on_register),
        Q(_snap__asthma_plan_current=True) | (current & plan_in_date),
    )


def _counts_by_hub(hub_ids, date_to, today):
    """{hub id: counts} of the population as at ``date_to``: one query grouped by practice and
    segment (joining only the month-end snapshots of ``date_to``: the hubs' practices are looked
    up first), summed per hub here."""
    hub_of = dict(Practice.objects.filter(hub_id__in=hub_ids).values_list("pk", "hub_id"))
    children, on_register, plan_in_date = _as_at(
        Child.objects.filter(_registered(date_to), practice_id__in=list(hub_of)), date_to, today
    )
    rows = (
        children.order_by()
        .values_list("practice_id", "_segment")
        .annotate(
            children=Count("*"),
            asthma=Count("id", filter=on_register),
            plan=Count("id", filter=plan_in_date),
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


def population_measures(hub_ids, date_from, date_to, *, by=None, now=None):
    """Population as at the end of the period. Segments, asthma register and plans are as kept
    at that month end when it is past and was kept, else the children's current ones (``now``
    decides what is past; default: now).

    Per hub from one GROUP BY query; for the hubs together, the sum of the hubs (a child is
    registered at one practice of one hub), so a report's two asks share that query
    (cc4c.breakdown.shared). Per month, each month's figures are the population as at the
    month's last day inside the period: one query a month."""
    breakdown.check(by)
    if by == "month":
        return {
            month: population_measures(hub_ids, first, last, now=now)
            for month, first, last in breakdown.clipped_months(date_from, date_to)
        }
    hub_ids = list(hub_ids)
    today = timezone.localdate(now)
    by_hub = breakdown.shared(
        ("population", tuple(hub_ids), date_to, today),
        lambda: _counts_by_hub(hub_ids, date_to, today),
    )

    def finish(counts):
        values = dict(counts)
        values["asthma_plan_pct"] = pct(values["_asthma_plan_n"], values["asthma_register"])
        return values

    if by == "hub":
        return {hub_id: finish(counts) for hub_id, counts in by_hub.items()}
    return finish({key: sum(counts[key] for counts in by_hub.values()) for key in COUNTS})
