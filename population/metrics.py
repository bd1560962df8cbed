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


def _registered(on, prefix=""):
    """Registered on ``on`` and under the age limit then (of the child a ``prefix`` such as
    "child__" leads to)."""
    youngest_excluded = years_before(on, settings.POPULATION_AGE_LIMIT_YEARS)
    return (
        Q(**{f"{prefix}registered_on__lte": on})
        & (
            Q(**{f"{prefix}deregistered_on__isnull": True})
            | Q(**{f"{prefix}deregistered_on__gt": on})
        )
        & Q(**{f"{prefix}date_of_birth__gt": youngest_excluded})
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


# Programmes ------------------------------------------------------------------------------------
# Measures of the programmes for the evaluation report (its "Population health programmes"
# section, evaluation/definitions.py), as a metrics source of the same shape as
# population_measures.

# The shipped programmes and their due care processes (population migration 0007), each with
# its name as a sentence holds it: each gives a register size and, per process, the % in date
# overall and in IMD quintile 1.
MEASURED_PROGRAMMES = [
    (
        "asthma",
        "Asthma",
        [
            ("management_plan", "management plan reviewed"),
            ("inhaler_technique", "inhaler technique checked"),
        ],
    ),
    ("diabetes", "Diabetes", [("hba1c", "HbA1c measured"), ("annual_review", "annual review")]),
    (
        "epilepsy",
        "Epilepsy",
        [("annual_review", "epilepsy review"), ("care_plan", "care plan agreed")],
    ),
    ("oral_health", "Oral health", [("dental_check", "dental check")]),
    ("mental_health", "Mental health", [("crisis_review", "review after a crisis contact")]),
]
UNPLANNED_MEASURES = [("ed_attendance", "ed_attendances"), ("admission", "admissions")]


def programme_measure_keys():
    """Every key programme_measures returns, hidden numerators and denominators included."""
    keys = []
    for programme, _title, processes in MEASURED_PROGRAMMES:
        keys.append(f"programme_{programme}_register")
        for process, _label in processes:
            for part in ("", "_core20"):
                stem = f"programme_{programme}_{process}{part}"
                keys += [f"{stem}_pct", f"_{stem}_n", f"_{stem}_d"]
    for _kind, name in UNPLANNED_MEASURES:
        keys += [f"hospital_events_{name}_per_1000", f"_hospital_events_{name}_n"]
    return keys + ["_hospital_events_children"]


def _programme_counts(hub_ids, date_to, today):
    """{hub id: counts} of each shipped programme as at ``date_to``: one query a programme,
    grouped by practice and IMD quintile. The register is the children counted for any one of
    its due care processes, excluded or not (each register child has a row for each, as
    engine.register_counts counts them)."""
    from population.programmes import engine
    from population.programmes.models import Programme

    hub_of = dict(Practice.objects.filter(hub_id__in=hub_ids).values_list("pk", "hub_id"))
    children = Child.objects.filter(_registered(date_to), practice_id__in=list(hub_of))
    on = min(date_to, today)
    counts = {hub_id: dict.fromkeys(programme_measure_keys(), 0) for hub_id in hub_ids}
    programmes = {
        p.key: p
        for p in Programme.objects.filter(
            key__in=[k for k, _t, _p in MEASURED_PROGRAMMES]
        ).prefetch_related("processes")
    }
    for key, _title, processes in MEASURED_PROGRAMMES:
        programme = programmes.get(key)
        if programme is None:
            continue
        process_keys = {p.pk: p.key for p in programme.processes.all()}
        counted_by = next(
            (p.pk for p in programme.processes.all() if p.interval_days is not None), None
        )
        measured = {process for process, _label in processes}
        found = engine.coverage_counts(children, programme, on, by="practice_quintile")
        for (group, process_id), (eligible, in_date, excluded) in found.items():
            practice_id, quintile = group.split(":")
            hub_counts = counts[hub_of[int(practice_id)]]
            if process_id == counted_by:
                hub_counts[f"programme_{key}_register"] += eligible + excluded
            process = process_keys.get(process_id)
            if process not in measured:
                continue
            parts = ["", "_core20"] if quintile == "1" else [""]
            for part in parts:
                hub_counts[f"_programme_{key}_{process}{part}_n"] += in_date
                hub_counts[f"_programme_{key}_{process}{part}_d"] += eligible
    return counts, hub_of


def _hospital_event_counts(hub_ids, hub_of, date_from, date_to, counts):
    """Add each hub's ED attendances and admissions in the period of the children registered at
    its practices on ``date_to`` and under the age limit then (those the rates divide by): one
    query."""
    from population.programmes.models import HospitalEvent

    rows = (
        HospitalEvent.objects.filter(
            _registered(date_to, prefix="child__"),
            child__practice_id__in=list(hub_of),
            occurred_on__range=(date_from, date_to),
            kind__in=[kind for kind, _name in UNPLANNED_MEASURES],
        )
        .order_by()
        .values_list("child__practice_id", "kind")
        .annotate(n=Count("id"))
    )
    names = dict(UNPLANNED_MEASURES)
    for practice_id, kind, n in rows:
        counts[hub_of[practice_id]][f"_hospital_events_{names[kind]}_n"] += n


def programme_measures(hub_ids, date_from, date_to, *, by=None, now=None):
    """Each shipped programme's register and care processes in date (overall and for IMD
    quintile 1) as at the period's last day, and ED attendances and admissions (from the
    hospital-events import) in the period per 1,000 children registered on its last day.
    Per hub from a query a programme; for the hubs together, their sum; per month, the
    figures as at each month's last day inside the period."""
    breakdown.check(by)
    if by == "month":
        return {
            month: programme_measures(hub_ids, first, last, now=now)
            for month, first, last in breakdown.clipped_months(date_from, date_to)
        }
    hub_ids = list(hub_ids)
    today = timezone.localdate(now)

    def compute():
        counts, hub_of = _programme_counts(hub_ids, date_to, today)
        _hospital_event_counts(hub_ids, hub_of, date_from, date_to, counts)
        registered = registered_counts(list(hub_of), [date_to])
        for practice_id, (n,) in registered.items():
            counts[hub_of[practice_id]]["_hospital_events_children"] += n
        return counts

    by_hub = breakdown.shared(("programmes", tuple(hub_ids), date_from, date_to, today), compute)

    def finish(values):
        values = dict(values)
        for key in [k for k in values if k.endswith("_pct")]:
            stem = key[: -len("_pct")]
            values[key] = pct(values[f"_{stem}_n"], values[f"_{stem}_d"])
        children = values["_hospital_events_children"]
        for _kind, name in UNPLANNED_MEASURES:
            events = values[f"_hospital_events_{name}_n"]
            values[f"hospital_events_{name}_per_1000"] = (
                round(1000 * events / children, 1) if children else None
            )
        return values

    if by == "hub":
        return {hub_id: finish(counts) for hub_id, counts in by_hub.items()}
    keys = programme_measure_keys()
    return finish({key: sum(counts[key] for counts in by_hub.values()) for key in keys})
