"""Advice line measures for the evaluation report (evaluation-measures.md).

Requests are those *received* in the period, whole days in Europe/London. Within target uses
the response clock (advice/clock.py): working days where the hub says so, and time paused
while the hub waited for the GP's information does not count against it.
"""

import datetime
from collections import Counter, defaultdict

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.functions import Extract
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone

from advice import clock
from advice.models import AdviceRequest, Outcome
from cc4c import breakdown
from cc4c.measures import median_1dp, pct
from hubs.models import Hub, TargetUnit

KEYS = [
    "advice_requests",
    "advice_answered",
    "advice_within_target_pct",
    "advice_median_response_hours",
    *[f"advice_outcome_{o}_pct" for o in Outcome.values],
]


def _period(date_from, date_to):
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=clock.LONDON)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=clock.LONDON
    )
    return start, end


def _response_hours():
    return ExpressionWrapper(
        Extract(F("first_response_at") - F("received_at"), "epoch") / 3600.0,
        output_field=FloatField(),
    )


def _cells(hub_ids, date_from, date_to, now):
    """Counts per (hub, month of receipt) and each answered request's response hours, for the
    requests received in the period: every breakdown is a sum of these cells, and medians are
    taken over the hours themselves."""
    start, end = _period(date_from, date_to)
    requests = AdviceRequest.objects.filter(
        hub_id__in=hub_ids, received_at__gte=start, received_at__lt=end
    ).annotate(_month=breakdown.group_key("month", hub="hub_id", moment="received_at"))
    in_hours = Q(hub__response_target_unit=TargetUnit.HOURS)
    answered = Q(first_response_at__isnull=False)
    due = clock.clock_hours_due_at()
    rows = (
        requests.order_by()
        .values("hub_id", "_month")
        .annotate(
            total=Count("id"),
            answered=Count("id", filter=answered),
            with_outcome=Count("id", filter=~Q(outcome="")),
            # Within target for hubs counting clock hours; working-day hubs are walked below.
            met=Count("id", filter=in_hours & Q(LessThanOrEqual(F("first_response_at"), due))),
            # Answered, or unanswered with the target passed (missed); not yet due: left out.
            counted=Count(
                "id",
                filter=in_hours & (answered | Q(LessThan(due, Value(now)))),
            ),
            **{o: Count("id", filter=Q(outcome=o)) for o in Outcome.values},
            hours=ArrayAgg(_response_hours(), filter=answered, default=[]),
        )
    )
    cells = defaultdict(Counter)
    hours = defaultdict(list)
    for row in rows:
        cell = row.pop("hub_id"), row.pop("_month")
        hours[cell] = row.pop("hours")
        cells[cell].update(row)
    working_days = Hub.objects.filter(pk__in=hub_ids).exclude(response_target_unit=TargetUnit.HOURS)
    hubs = {hub.pk: hub for hub in working_days}
    walked = requests.filter(hub_id__in=list(hubs)).values_list(
        "hub_id", "_month", "received_at", "first_response_at", "paused_seconds"
    )
    for hub_id, month, received_at, first_response_at, paused_seconds in walked if hubs else []:
        due_at = clock.due_at(hubs[hub_id], received_at, paused_seconds)
        cell = cells[hub_id, month]
        if first_response_at is not None:
            cell["counted"] += 1
            cell["met"] += first_response_at <= due_at
        elif due_at < now:
            cell["counted"] += 1  # no answer and the target has passed: missed
    return cells, hours


def advice_measures(hub_ids, date_from, date_to, *, by=None, now=None):
    """Every advice line measure for the hubs over [date_from, date_to], for the hubs together,
    per hub or per month of receipt (cc4c.breakdown). A report's three asks share one reading
    of the requests (cc4c.breakdown.shared)."""
    breakdown.check(by)
    now = now or timezone.now()
    hub_ids = list(hub_ids)
    cells, hours = breakdown.shared(
        ("advice", tuple(hub_ids), date_from, date_to, now),
        lambda: _cells(hub_ids, date_from, date_to, now),
    )
    position = {None: None, "hub": 0, "month": 1}[by]
    tallies = defaultdict(Counter)
    hours_of = defaultdict(list)
    for cell, counts in cells.items():
        tallies[None if position is None else cell[position]].update(counts)
    for cell, values in hours.items():
        hours_of[None if position is None else cell[position]].extend(values)

    def finish(key):
        tally = tallies[key]
        result = {
            "advice_requests": tally["total"],
            "advice_answered": tally["answered"],
            "advice_within_target_pct": pct(tally["met"], tally["counted"]),
            "advice_median_response_hours": median_1dp(hours_of[key]),
            # Numerators behind the percentages, for the report's small-number suppression.
            "_advice_within_target_n": tally["met"],
            "_advice_target_due_n": tally["counted"],
            "_advice_outcomes_n": tally["with_outcome"],
        }
        for o in Outcome.values:
            result[f"advice_outcome_{o}_pct"] = pct(tally[o], tally["with_outcome"])
            result[f"_advice_outcome_{o}_n"] = tally[o]
        return result

    return breakdown.spread(by, hub_ids, date_from, date_to, finish)
