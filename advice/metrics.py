"""Advice line measures for the evaluation report (evaluation-measures.md).

Requests are those *received* in the period, whole days in Europe/London. Within target uses
the response clock (advice/clock.py): working days where the hub says so, and time paused
while the hub waited for the GP's information does not count against it.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from advice import clock
from advice.models import AdviceRequest, Outcome
from cc4c.measures import median_1dp, pct
from hubs.models import Hub

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


def advice_measures(hub_ids, date_from, date_to, now=None):
    """Every advice line measure for the hubs over [date_from, date_to]."""
    now = now or timezone.now()
    start, end = _period(date_from, date_to)
    requests = AdviceRequest.objects.filter(
        hub_id__in=hub_ids, received_at__gte=start, received_at__lt=end
    )
    counts = requests.aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(first_response_at__isnull=False)),
        with_outcome=Count("id", filter=~Q(outcome="")),
        **{o: Count("id", filter=Q(outcome=o)) for o in Outcome.values},
    )
    hubs = {hub.pk: hub for hub in Hub.objects.filter(pk__in=hub_ids)}
    met = counted = 0
    hours = []
    rows = requests.values_list("hub_id", "received_at", "first_response_at", "paused_seconds")
    for hub_id, received_at, first_response_at, paused_seconds in rows.iterator():
        due = clock.due_at(hubs[hub_id], received_at, paused_seconds)
        if first_response_at is not None:
            hours.append((first_response_at - received_at).total_seconds() / 3600)
            counted += 1
            met += first_response_at <= due
        elif due < now:
            counted += 1  # no answer and the target has passed: missed
        # otherwise not yet due: left out of numerator and denominator
    result = {
        "advice_requests": counts["total"],
        "advice_answered": counts["answered"],
        "advice_within_target_pct": pct(met, counted),
        "advice_median_response_hours": median_1dp(hours),
        # Numerators behind the percentages, for the report's small-number suppression.
        "_advice_within_target_n": met,
        "_advice_target_due_n": counted,
        "_advice_outcomes_n": counts["with_outcome"],
    }
    for o in Outcome.values:
        result[f"advice_outcome_{o}_pct"] = pct(counts[o], counts["with_outcome"])
        result[f"_advice_outcome_{o}_n"] = counts[o]
    return result
