"""Reads of the population framework, always scoped through hubs.access and visible_to(user)."""

import copy
import datetime
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cc4c import formatting
from hubs import access
from hubs.models import Hub, Person, Practice
from population import panels_registry
from population.models import (
    CareProcess,
    Child,
    ChildQuerySet,
    Flag,
    Segment,
    SegmentSnapshot,
    ValueSet,
)
from population.programmes import engine
from population.segmentation import ASTHMA_PLAN_DAYS, ASTHMA_VALUE_SET

AGE_BANDS = [("0–4", 0, 4), ("5–11", 5, 11), ("12–17", 12, 17)]
SORTS = {
    "name": ("family_name", "given_name", "id"),
    "nhs": ("nhs_number",),
    "dob": ("date_of_birth", "id"),
    "practice": ("practice__name", "family_name", "given_name", "id"),
    "segment": ("segment", "family_name", "given_name", "id"),
    "plan": (F("asthma_plan_reviewed_on").asc(nulls_first=True), "family_name", "id"),
}
# Lists annotated with_hub_activity() sort by it too. Never seen by the hub comes first when
# sorting by last contact (the longest without contact), last when sorting most recent first.
ACTIVITY_SORTS = {
    **SORTS,
    "actions": (F("open_actions").asc(), "family_name", "given_name", "id"),
    "contact": (F("last_contact").asc(nulls_first=True), "family_name", "given_name", "id"),
}
AGE_FILTERS = {f"{low}-{high}": (label, low, high) for label, low, high in AGE_BANDS}
NO_CONTACT_DAYS = 365


# Scope -----------------------------------------------------------------------------------


def hub_for(user: Person, hub_id: int, action: str = "population.view") -> Hub:
    """The hub, if the user may do ``action`` there; otherwise 404."""
    return get_object_or_404(access.hubs_for(user, action), pk=hub_id)


def practice_of(hub: Hub, practice_id: str | int | None) -> Practice | None:
    """One of the hub's practices (404 for any other), or None for the whole hub."""
    if practice_id in (None, ""):
        return None
    try:
        practice_id = int(practice_id)
    except (TypeError, ValueError):
        practice_id = 0
    return get_object_or_404(hub.practices.all(), pk=practice_id)


def registered_children(
    user: Person, hub: Hub, practice: Practice | None = None, action: str = "child.view"
) -> ChildQuerySet:
    """Children registered today at the hub's practices (or one of them) the user may see."""
    children = Child.objects.visible_to(user, action).registered_on().filter(practice__hub=hub)
    if practice is not None:
        children = children.filter(practice=practice)
    return children


def child_for(user: Person, pk: int) -> Child:
    """A child whose record the user may open; out of scope is 404."""
    return get_object_or_404(Child.objects.visible_to(user).select_related("practice__hub"), pk=pk)


# Population page --------------------------------------------------------------------------


def _with_percent(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    total = sum(r["count"] for r in rows)
    for r in rows:
        r["percent"] = round(100 * r["count"] / total, 1) if total else 0
    return rows


def segment_table(children: ChildQuerySet) -> list[dict[str, Any]]:
    counts = dict(children.order_by().values_list("segment").annotate(n=Count("id")))
    rows = [
        {"number": s.number, "label": f"{s.number}. {s.name}", "count": counts.pop(s.number, 0)}
        for s in Segment.objects.all()
    ]
    rows += [{"number": n, "label": f"{n}.", "count": c} for n, c in sorted(counts.items())]
    return _with_percent(rows)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_table(
    children: ChildQuerySet, today: datetime.date | None = None
) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    buckets = {
        label: Count(
            "id",
            filter=Q(
                date_of_birth__gt=_years_before(today, high + 1),
                date_of_birth__lte=_years_before(today, low),
            ),
        )
        for label, low, high in AGE_BANDS
    }
    counts = children.order_by().aggregate(**buckets)
    return _with_percent([{"label": label, "count": counts[label]} for label, *_ in AGE_BANDS])


def deprivation_table(children: ChildQuerySet) -> list[dict[str, Any]]:
    counts = dict(children.order_by().values_list("imd_decile").annotate(n=Count("id")))
    rows = [
        {"label": f"{d}{' (most deprived)' if d == 1 else ''}", "count": counts.get(d, 0)}
        for d in range(1, 11)
    ]
    if counts.get(None):
        rows.append({"label": "Not known", "count": counts[None]})
    return _with_percent(rows)


def snapshot_months(hub: Hub, limit: int = 13) -> list[datetime.date]:
    return list(
        SegmentSnapshot.objects.filter(practice__hub=hub)
        .order_by("-month_end")
        .values_list("month_end", flat=True)
        .distinct()[:limit]
    )


_MOVEMENT_SQL = """
SELECT before.segment, after.segment, count(*)
FROM (SELECT child_id, segment FROM population_segmentsnapshot
      WHERE month_end = %(before)s AND practice_id = ANY(%(practices)s)) before
FULL JOIN (SELECT child_id, segment FROM population_segmentsnapshot
           WHERE month_end = %(after)s AND practice_id = ANY(%(practices)s)) after
     ON after.child_id = before.child_id
GROUP BY 1, 2
"""


def movement(
    hub: Hub, practice: Practice | None, before: datetime.date, after: datetime.date
) -> dict[str, Any]:
    """Children moving between segments from one month end to the next: a from × to table.

    ``None`` as a from segment means newly registered; as a to segment, no longer registered.
    """
    practices = [practice.pk] if practice else list(hub.practices.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(_MOVEMENT_SQL, {"before": before, "after": after, "practices": practices})
        counts = {(b, a): n for b, a, n in cursor.fetchall()}
    segments = list(Segment.objects.values_list("number", "name"))
    numbers = [n for n, _ in segments] + [None]
    rows = []
    for frm, name in [*segments, (None, "Newly registered")]:
        cells = [counts.get((frm, to), 0) for to in numbers]
        moved = sum(c for to, c in zip(numbers, cells, strict=True) if to != frm)
        label = f"{frm}. {name}" if frm else name
        rows.append({"label": label, "number": frm, "cells": cells, "moved": moved})
    headers = [f"{n}" for n, _ in segments] + ["Left"]
    return {"before": before, "after": after, "headers": headers, "rows": rows}


def segment_trend(
    hub: Hub, practice: Practice | None, months: list[datetime.date]
) -> dict[str, Any]:
    """Children per segment at each month end (oldest first), from the snapshots."""
    snaps = SegmentSnapshot.objects.filter(month_end__in=months, practice__hub=hub)
    if practice:
        snaps = snaps.filter(practice=practice)
    counts = {
        (m, s): n
        for m, s, n in snaps.order_by().values_list("month_end", "segment").annotate(n=Count("id"))
    }
    numbers = list(Segment.objects.values_list("number", flat=True))
    return {
        "numbers": numbers,
        "rows": [
            {"month": m, "cells": [counts.get((m, n), 0) for n in numbers]} for m in sorted(months)
        ],
    }


# Lists of children ------------------------------------------------------------------------


def sorted_by(
    children: ChildQuerySet, sort: str | None, sorts: dict[str, tuple[Any, ...]] = SORTS
) -> tuple[ChildQuerySet, str]:
    """(queryset, sort key used): ``sort`` is a key of ``sorts``, '-' first for descending."""
    sort = sort or "name"
    key = sort.lstrip("-")
    if key not in sorts:
        sort, key = "name", "name"
    fields: Any = sorts[key]
    if sort.startswith("-"):
        fields = [_reversed(f) for f in fields]
    return children.select_related("practice").order_by(*fields), sort


def _reversed(field: Any) -> Any:
    if isinstance(field, str):
        return field[1:] if field.startswith("-") else f"-{field}"
    if isinstance(field, OrderBy):  # reversed with its nulls: first ascending, last descending
        field = copy.copy(field)
        field.reverse_ordering()
        return field
    return field.desc()


def with_hub_activity(children: ChildQuerySet) -> ChildQuerySet:
    """Each child with ``open_actions`` (agreed and not done, across the hub's services) and
    ``last_contact`` (the last day the hub discussed, saw or was asked about them), as
    subqueries of the one query: the apps above population give them (panels_registry)."""
    columns = panels_registry.list_columns()
    counts = [Coalesce(c, 0) for c in columns["open_actions"]]
    days = columns["last_contact"]
    open_actions = sum(counts[1:], counts[0]) if counts else Value(0)
    last_contact: Any
    if len(days) > 1:
        last_contact = Greatest(*days, output_field=DateField())
    elif days:
        last_contact = days[0]
    else:
        last_contact = Value(None, output_field=DateField())
    return children.annotate(
        open_actions=Coalesce(open_actions, 0, output_field=IntegerField()),
        last_contact=last_contact,
    )


def filtered(
    children: ChildQuerySet,
    *,
    age: str | None = None,
    open_actions: bool = False,
    no_recent_contact: bool = False,
    today: datetime.date | None = None,
) -> ChildQuerySet:
    """Children of one age band ("0-4"), with open actions, or not in touch for a year."""
    today = today or timezone.localdate()
    if age in AGE_FILTERS:
        _label, low, high = AGE_FILTERS[age]
        children = children.filter(
            date_of_birth__gt=_years_before(today, high + 1),
            date_of_birth__lte=_years_before(today, low),
        )
    if open_actions:
        children = children.filter(open_actions__gt=0)
    if no_recent_contact:
        since = today - datetime.timedelta(days=NO_CONTACT_DAYS)
        children = children.filter(Q(last_contact__isnull=True) | Q(last_contact__lt=since))
    return children


# Registers and the asthma worklist -------------------------------------------------------


def value_sets_with_counts(children: ChildQuerySet) -> QuerySet[ValueSet]:
    counted = Subquery(
        children.filter(conditions__overlap=OuterRef("codes"))
        .order_by()
        .values(n=Func(F("id"), function="COUNT"))
    )
    return ValueSet.objects.annotate(register_size=counted).order_by("title")


def register(children: ChildQuerySet, value_set: ValueSet) -> ChildQuerySet:
    return children.filter(conditions__overlap=value_set.codes)


def asthma_value_set() -> ValueSet:
    return get_object_or_404(ValueSet, name=ASTHMA_VALUE_SET)


def value_set(pk: int) -> ValueSet:
    return get_object_or_404(ValueSet, pk=pk)


def segment(number: int) -> Segment:
    return get_object_or_404(Segment, number=number)


def asthma_status(child: Child, today: datetime.date | None = None) -> tuple[bool, bool]:
    """(on the asthma register, plan written or reviewed in the last 365 days) for a child."""
    asthma = ValueSet.objects.filter(name=ASTHMA_VALUE_SET).first()
    on_register = bool(asthma and set(asthma.codes) & set(child.conditions))
    reviewed = child.asthma_plan_reviewed_on
    return on_register, bool(on_register and reviewed and reviewed > plan_cutoff(today))


def plan_cutoff(today: datetime.date | None = None) -> datetime.date:
    """A plan written or reviewed after this day is current (within the last 365 days)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=ASTHMA_PLAN_DAYS)


def plan_due(children: ChildQuerySet, today: datetime.date | None = None) -> ChildQuerySet:
    """Those of ``children`` (on the asthma register) due an asthma plan review: the asthma
    programme's worklist for its management plan process (never done or overdue, not
    excluded), or, without that programme, no plan written or reviewed in the last 365 days.
    One query either way."""
    asthma_process = CareProcess.objects.filter(
        programme__key=ASTHMA_VALUE_SET, programme__active=True, reads_asthma_plan_date=True
    )
    no_plan = Q(asthma_plan_reviewed_on__isnull=True) | Q(
        asthma_plan_reviewed_on__lte=plan_cutoff(today)
    )
    return children.filter(
        engine.asthma_plan_due(children, ASTHMA_VALUE_SET, today)
        | (~Exists(asthma_process) & no_plan)
    )


def asthma_coverage(
    hub: Hub, codes: list[str], today: datetime.date | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per practice and for the hub: asthma register size, plans current, coverage %."""
    today = today or timezone.localdate()
    on_register = Q(
        children__conditions__overlap=codes,
        children__registered_on__lte=today,
    ) & (Q(children__deregistered_on__isnull=True) | Q(children__deregistered_on__gt=today))
    practices = hub.practices.annotate(
        register_size=Count("children", filter=on_register),
        current=Count(
            "children",
            filter=on_register & Q(children__asthma_plan_reviewed_on__gt=plan_cutoff(today)),
        ),
    ).order_by("name")
    rows: list[dict[str, Any]] = [
        {"practice": p, "label": p.name, "total": p.register_size, "current": p.current}
        for p in practices
    ]
    total: dict[str, Any] = {
        "label": "Whole hub",
        "total": sum(r["total"] for r in rows),
        "current": sum(r["current"] for r in rows),
    }
    for r in [*rows, total]:
        r["percent"] = round(100 * r["current"] / r["total"], 1) if r["total"] else None
    return rows, total


def asthma_trend(
    hub: Hub, practice: Practice | None = None, months: int = 12
) -> list[dict[str, Any]]:
    """Asthma plan coverage at each month end (oldest first), from the snapshots."""
    snaps = SegmentSnapshot.objects.filter(practice__hub=hub, on_asthma_register=True)
    if practice:
        snaps = snaps.filter(practice=practice)
    rows: list[Any] = list(
        snaps.order_by("-month_end")
        .values("month_end")
        .annotate(total=Count("id"), current=Count("id", filter=Q(asthma_plan_current=True)))[
            :months
        ]
    )
    rows.reverse()
    for r in rows:
        r["label"] = formatting.month(r["month_end"])
        r["percent"] = round(100 * r["current"] / r["total"], 1) if r["total"] else 0
    return rows


# A child's page ----------------------------------------------------------------------------


def conditions_of(child: Child) -> list[tuple[str, list[str]]]:
    """[(SNOMED code, [value set titles])] for the child's recorded conditions."""
    sets = ValueSet.objects.filter(codes__overlap=child.conditions or ["-"]).order_by("title")
    names: dict[str, list[str]] = {}
    for vs in sets:
        for code in vs.codes:
            names.setdefault(code, []).append(vs.title)
    return [(code, names.get(code, [])) for code in child.conditions]


def flags_of(child: Child) -> list[str]:
    labels = dict(Flag.choices)
    return [labels.get(f, f) for f in child.flags]


def segment_of(child: Child) -> Segment | None:
    return Segment.objects.filter(number=child.segment).first()
