"""Advice line measures for the evaluation report (docs/evaluation-measures.md).

Requests are those *received* in the period, whole days in Europe/London. Within target uses
the response clock (advice/clock.py) and each request's own target: the hub's response target
for routine requests (working days where the hub says so), the hub's urgent target in working
hours for urgent ones; time paused while the hub waited for the GP's information does not
count against it.
"""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Count, DurationField, F, Q, Value
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone

from advice import clock
from advice.models import AdviceRequest, Outcome, Urgency
from cc4c import breakdown
from cc4c.measures import pct, round_1dp
from hubs.models import Hub, TargetUnit

KEYS = [
    "advice_requests",
    "advice_answered",
    "advice_within_target_pct",
    "advice_median_response_hours",
    *[f"advice_outcome_{o}_pct" for o in Outcome.values],
]


def _period(date_from, date_to):
    return breakdown.local_span(date_from, date_to)


def _hours(duration):
    """A response time as hours, exactly (a Decimal), or None."""
    if duration is None:
        return None
    return Decimal(duration // datetime.timedelta(microseconds=1)) / 3_600_000_000


def _groupings(hub_ids, date_from, date_to, now):
    """The counts and the median response time of the requests received in the period for
    the hubs together, per hub and per month of receipt, from one query (GROUPING SETS).
    Within target is counted in that query for routine requests of hubs counting clock hours;
    the others (hubs counting working days, and every urgent request, whose own target is in
    working hours) are timed by the response clock and added."""
    start, end = _period(date_from, date_to)
    requests = AdviceRequest.objects.filter(
        hub_id__in=hub_ids, received_at__gte=start, received_at__lt=end
    )
    in_sql = Q(hub__response_target_unit=TargetUnit.HOURS) & Q(urgency=Urgency.ROUTINE)
    answered = Q(first_response_at__isnull=False)
    due = clock.clock_hours_due_at()
    groupings = breakdown.every_grouping(
        requests,
        date_from,
        date_to,
        hub="hub_id",
        moment="received_at",
        total=Count("id"),
        answered=Count("id", filter=answered),
        with_outcome=Count("id", filter=~Q(outcome="")),
        # Within target where the SQL can time it; the rest are walked below.
        met=Count("id", filter=in_sql & Q(LessThanOrEqual(F("first_response_at"), due))),
        # Answered, or unanswered with the target passed (missed); not yet due: left out.
        counted=Count("id", filter=in_sql & (answered | Q(LessThan(due, Value(now))))),
        **{o: Count("id", filter=Q(outcome=o)) for o in Outcome.values},
        median=breakdown.Median(
            F("first_response_at") - F("received_at"), output_field=DurationField()
        ),
    )
    walked = requests.exclude(in_sql).values_list(
        "hub_id", "urgency", "received_at", "first_response_at", "paused_seconds"
    )
    hubs = {}
    for hub_id, urgency, received_at, first_response_at, paused_seconds in walked:
        if not hubs:
            hubs = {
                hub.pk: hub
                for hub in Hub.objects.filter(pk__in=hub_ids).select_related("advice_settings")
            }
        due_at = clock.due_at(hubs[hub_id], received_at, paused_seconds, urgency)
        if first_response_at is None and due_at >= now:
            continue  # not yet due: left out
        month = received_at.astimezone(clock.LONDON).date().replace(day=1)
        for by, group in ((None, None), ("hub", hub_id), ("month", month)):
            row = groupings[by][group]
            row["counted"] += 1
            row["met"] += first_response_at is not None and first_response_at <= due_at
    return groupings


def advice_measures(hub_ids, date_from, date_to, *, by=None, now=None):
    """Every advice line measure for the hubs over [date_from, date_to], for the hubs together,
    per hub or per month of receipt (cc4c.breakdown). A report's three asks share one reading
    of the requests (cc4c.breakdown.shared)."""
    breakdown.check(by)
    now = now or timezone.now()
    hub_ids = list(hub_ids)
    groupings = breakdown.shared(
        ("advice", tuple(hub_ids), date_from, date_to, now),
        lambda: _groupings(hub_ids, date_from, date_to, now),
    )

    def finish(key):
        tally = Counter(breakdown.group_of(groupings, by, key))
        result = {
            "advice_requests": tally["total"],
            "advice_answered": tally["answered"],
            "advice_within_target_pct": pct(tally["met"], tally["counted"]),
            "advice_median_response_hours": round_1dp(_hours(tally.get("median"))),
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
