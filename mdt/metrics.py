"""The MDT measures of the evaluation report (../shared/spec/evaluation-measures.md, MDT)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from mdt.models import CaseDiscussion, Meeting, MeetingStatus, Outcome

ONE_PLACE = Decimal("0.1")


def ratio(numerator, denominator, scale=1):
    """numerator / denominator × scale, rounded half away from zero to one place; None on 0."""
    if not denominator:
        return None
    value = Decimal(numerator) * scale / Decimal(denominator)
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def mdt_measures(hub_ids, date_from, date_to):
    """Meetings held in [date_from, date_to] (local dates) and the outcomes of their discussions."""
    meetings = Meeting.objects.filter(
        hub_id__in=hub_ids,
        status=MeetingStatus.FINISHED,
        starts_at__date__gte=date_from,
        starts_at__date__lte=date_to,
    )
    counts = CaseDiscussion.objects.filter(
        meeting__in=meetings.values("pk"), discussed=True
    ).aggregate(
        discussed=Count("pk"),
        **{value: Count("pk", filter=Q(outcome=value)) for value in Outcome.values},
    )
    n_meetings = meetings.count()
    discussed = counts["discussed"]
    result = {
        "mdt_meetings": n_meetings,
        "mdt_cases_discussed": discussed,
        "mdt_cases_per_meeting": ratio(discussed, n_meetings),
    }
    for value in Outcome.values:
        result[f"mdt_outcome_{value}_pct"] = ratio(counts[value], discussed, 100)
        # The numerator behind each percentage, for the report's small-number suppression.
        result[f"_mdt_outcome_{value}_n"] = counts[value]
    return result
