"""The MDT measures of the evaluation report (evaluation-measures.md, MDT)."""

from django.db.models import Count, Q

from cc4c.measures import pct, ratio_1dp
from mdt.models import CaseDiscussion, Meeting, MeetingStatus, Outcome


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
        "mdt_cases_per_meeting": ratio_1dp(discussed, n_meetings),
    }
    for value in Outcome.values:
        result[f"mdt_outcome_{value}_pct"] = pct(counts[value], discussed)
        # The numerator behind each percentage, for the report's small-number suppression.
        result[f"_mdt_outcome_{value}_n"] = counts[value]
    return result
