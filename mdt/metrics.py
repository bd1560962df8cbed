"""The MDT measures of the evaluation report (docs/evaluation-measures.md, MDT)."""

from django.db.models import Count, Q

from cc4c import breakdown
from cc4c.measures import pct, ratio_1dp
from mdt.models import CaseDiscussion, Meeting, MeetingStatus, Outcome


def _groupings(hub_ids, date_from, date_to):
    """Meetings held in [date_from, date_to] (local dates) and their discussions' outcomes, for
    the hubs together, per hub and per month: one query each (GROUPING SETS)."""
    start, end = breakdown.local_span(date_from, date_to)
    meetings = Meeting.objects.filter(
        hub_id__in=hub_ids,
        status=MeetingStatus.FINISHED,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    meeting_counts = breakdown.every_grouping(
        meetings, date_from, date_to, hub="hub_id", moment="starts_at", meetings=Count("pk")
    )
    discussions = CaseDiscussion.objects.filter(
        meeting__hub_id__in=hub_ids,
        meeting__status=MeetingStatus.FINISHED,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
        discussed=True,
    )
    counts = breakdown.every_grouping(
        discussions,
        date_from,
        date_to,
        hub="meeting__hub_id",
        moment="meeting__starts_at",
        discussed=Count("pk"),
        **{value: Count("pk", filter=Q(outcome=value)) for value in Outcome.values},
    )
    return meeting_counts, counts


def mdt_measures(hub_ids, date_from, date_to, *, by=None):
    """Meetings held in [date_from, date_to] (local dates) and the outcomes of their discussions,
    for the hubs together, per hub or per month (cc4c.breakdown). A report's three asks share
    one reading of the meetings and discussions (cc4c.breakdown.shared)."""
    breakdown.check(by)
    hub_ids = list(hub_ids)
    meeting_counts, counts = breakdown.shared(
        ("mdt", tuple(hub_ids), date_from, date_to),
        lambda: _groupings(hub_ids, date_from, date_to),
    )

    def finish(group):
        n_meetings = breakdown.group_of(meeting_counts, by, group).get("meetings", 0)
        group_counts = breakdown.group_of(counts, by, group)
        discussed = group_counts.get("discussed", 0)
        result = {
            "mdt_meetings": n_meetings,
            "mdt_cases_discussed": discussed,
            "mdt_cases_per_meeting": ratio_1dp(discussed, n_meetings),
        }
        for value in Outcome.values:
            n = group_counts.get(value, 0)
            result[f"mdt_outcome_{value}_pct"] = pct(n, discussed)
            # The numerator behind each percentage, for the report's small-number suppression.
            result[f"_mdt_outcome_{value}_n"] = n
        return result

    return breakdown.spread(by, hub_ids, date_from, date_to, finish)
