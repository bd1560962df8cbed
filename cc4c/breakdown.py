"""Breaking an evaluation measure down by hub or by month, shared by every app's metrics.py.

Every metrics function takes ``(hub_ids, date_from, date_to, *, by=None)``:

- ``by=None``: one dict of values for all the hubs together;
- ``by="hub"``: ``{hub_id: dict}`` with an entry for every hub asked for;
- ``by="month"``: ``{first of month: dict}`` for every calendar month the period touches, each
  month clipped to the period, all the hubs together.

Rows are grouped in the database (GROUP BY hub or month) and each group's values are finished
from its own counts, so a hub's or a month's figures are what ``by=None`` gives for that hub or
that clipped month: percentages and medians are never averaged across groups.
"""

import contextvars
import datetime
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import (
    Aggregate,
    DateField,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Value,
)
from django.db.models.functions import TruncDate, TruncMonth

BY = (None, "hub", "month")


def first_of_month(day):
    return day.replace(day=1)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_of_month(day):
    return add_months(day, 1) - datetime.timedelta(days=1)


def months_touching(date_from, date_to):
    """First days of every calendar month the period touches, for month-by-month figures."""
    month, months = first_of_month(date_from), []
    while month <= date_to:
        months.append(month)
        month = add_months(month, 1)
    return months


def clipped_months(date_from, date_to):
    """(first of month, first day inside the period, last day inside the period) per month."""
    return [
        (month, max(month, date_from), min(last_of_month(month), date_to))
        for month in months_touching(date_from, date_to)
    ]


_shared = contextvars.ContextVar("breakdown_shared", default=None)


@contextmanager
def one_computation():
    """Within this block the breakdowns of one report may share work through ``shared``: the
    report asks each source for the hubs together, per hub and per month of the same data."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key, compute):
    """``compute()``, computed once per key inside ``one_computation`` (every time outside)."""
    memo = _shared.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class Median(Aggregate):
    """The median of an expression over a group (PostgreSQL's continuous percentile: the mean
    of the two middle values when there is an even number); None for an empty group. Over a
    duration (``output_field=DurationField()``) it is exact to the microsecond."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_filter = True


def check(by):
    if by not in BY:
        raise ValueError(f"by must be one of {BY}, not {by!r}")


def group_key(by, *, hub, date=None, moment=None):
    """The expression to group rows by: nothing, the hub id field ``hub``, or the month (local
    time) of the date field ``date`` or of the datetime field ``moment``."""
    check(by)
    if by == "hub":
        return F(hub)
    if by == "month":
        day = date if date is not None else TruncDate(moment)
        return TruncMonth(day, output_field=DateField())
    return Value(None, output_field=DateField())


def keys(by, hub_ids, date_from, date_to):
    """The groups a breakdown answers for: every hub asked for, or every month touched."""
    check(by)
    if by == "hub":
        return list(hub_ids)
    if by == "month":
        return months_touching(date_from, date_to)
    return [None]


def grouped(queryset, by, *, hub, date=None, moment=None, **aggregates):
    """{group: {aggregate: value}} from one GROUP BY query over ``queryset`` (one aggregate
    under the key None when ``by`` is None)."""
    check(by)
    if by is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = (
        queryset.annotate(_group=group_key(by, hub=hub, date=date, moment=moment))
        .order_by()
        .values("_group")
        .annotate(**aggregates)
    )
    return {row.pop("_group"): row for row in rows}


def spread(by, hub_ids, date_from, date_to, finish):
    """Call ``finish(group)`` for every group the breakdown answers for, shaped as ``by`` asks."""
    groups = keys(by, hub_ids, date_from, date_to)
    if by is None:
        return finish(None)
    return {group: finish(group) for group in groups}


def local_span(date_from, date_to):
    """[start, end) instants of the whole local days from ``date_from`` to ``date_to``, so a
    datetime column is compared with two bounds (an index range) rather than converted to a
    local date row by row."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


class _Bucket(Func):
    function = "width_bucket"
    output_field = IntegerField()


def _month_bucket(months, *, date=None, moment=None):
    """The position (1 = first) in ``months`` of the local calendar month of a date or datetime
    field, found by a binary search over the months' first instants (no time zone conversion
    per row)."""
    bounds = [*months, add_months(months[-1], 1)]
    if moment is not None:
        zone = ZoneInfo(settings.TIME_ZONE)
        starts = [datetime.datetime.combine(m, datetime.time.min, tzinfo=zone) for m in bounds]
        thresholds = Value(starts, output_field=ArrayField(DateTimeField()))
        return _Bucket(F(moment), thresholds)
    return _Bucket(F(date), Value(bounds, output_field=ArrayField(DateField())))


def every_grouping(queryset, date_from, date_to, *, hub, date=None, moment=None, **aggregates):
    """The aggregates for the hubs together, per hub and per month (local time of the date
    field ``date`` or the datetime field ``moment``) from ONE query over ``queryset``
    (GROUP BY GROUPING SETS), so a report's three asks of a source read its rows once.

    Returns {None: {None: row}, "hub": {hub id: row}, "month": {first of month: row}}; groups
    without rows are absent. ``queryset`` must already be limited to [date_from, date_to]."""
    months = months_touching(date_from, date_to)
    grouped_rows = (
        queryset.annotate(_hub=F(hub), _month=_month_bucket(months, date=date, moment=moment))
        .order_by()
        .values("_hub", "_month")
        .annotate(**aggregates)
    )
    sql, params = grouped_rows.query.sql_with_params()
    by_both = " GROUP BY 1, 2"
    if not sql.endswith(by_both):
        raise ValueError(f"Cannot group every way at once: {sql[-80:]!r}")
    sql = sql[: -len(by_both)] + " GROUP BY GROUPING SETS ((), (1), (2))"
    result = {None: {}, "hub": {}, "month": {}}
    with connections[grouped_rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            hub_id, bucket = row.pop("_hub"), row.pop("_month")
            if hub_id is not None:
                result["hub"][hub_id] = row
            elif bucket is not None:
                result["month"][months[bucket - 1]] = row
            else:
                result[None][None] = row
    return result


def group_of(groupings, by, group):
    """The row ``every_grouping`` gave for ``group`` of the breakdown ``by`` ({} without one)."""
    return groupings[by].get(group, {})
