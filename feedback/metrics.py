"""The Experience measures of the evaluation report (docs/evaluation-measures.md, Experience).

``by=None`` gives one dict for all the hubs together; ``by="hub"`` a dict per hub id (every id
asked for); ``by="month"`` a dict per first-of-month date touching the period, each month
clipped to the period (cc4c.breakdown). The three asks of one report share one GROUPING SETS
query per table, and every percentage and mean comes from the group's own numerator and
denominator.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from cc4c import breakdown
from cc4c.measures import pct, round_1dp
from feedback.models import POSITIVE, FamilyResponse, Place, ProfessionalFeedback


def _groupings(hub_ids, date_from, date_to):
    """Family answers received, and attendances and ratings of MDT meetings held, in
    [date_from, date_to] (local dates), for the hubs together, per hub and per month."""
    from mdt.models import Attendance, MeetingStatus

    family = breakdown.every_grouping(
        FamilyResponse.objects.filter(
            hub_id__in=hub_ids, received_on__gte=date_from, received_on__lte=date_to
        ),
        date_from,
        date_to,
        hub="hub_id",
        date="received_on",
        responses=Count("pk"),
        positive=Count("pk", filter=Q(experience__in=POSITIVE)),
        place_answered=Count("pk", filter=~Q(place="")),
        practice=Count("pk", filter=Q(place=Place.GP_PRACTICE)),
    )
    start, end = breakdown.local_span(date_from, date_to)
    held = {
        "meeting__hub_id__in": hub_ids,
        "meeting__status": MeetingStatus.FINISHED,
        "meeting__starts_at__gte": start,
        "meeting__starts_at__lt": end,
    }
    mdt = breakdown.every_grouping(
        Attendance.objects.filter(present=True, **held),
        date_from,
        date_to,
        hub="meeting__hub_id",
        moment="meeting__starts_at",
        attendances=Count("pk"),
    )
    ratings = breakdown.every_grouping(
        ProfessionalFeedback.objects.filter(**held),
        date_from,
        date_to,
        hub="meeting__hub_id",
        moment="meeting__starts_at",
        rated=Count("pk"),
        total=Sum("usefulness"),
    )
    return family, mdt, ratings


def _values(family, mdt, ratings):
    responses = family.get("responses") or 0
    positive = family.get("positive") or 0
    answered_place = family.get("place_answered") or 0
    practice = family.get("practice") or 0
    rated = ratings.get("rated") or 0
    total = ratings.get("total") or 0
    return {
        "family_feedback_responses": responses,
        "family_positive_pct": pct(positive, responses),
        "family_prefer_practice_pct": pct(practice, answered_place),
        "mdt_attendances": mdt.get("attendances") or 0,
        "mdt_usefulness_mean": round_1dp(Decimal(total) / rated) if rated else None,
        # Numerators behind the percentages, for the report's small-number suppression.
        "_family_positive_n": positive,
        "_family_place_answered_n": answered_place,
        "_family_prefer_practice_n": practice,
        "_mdt_ratings_n": rated,
    }


def experience_measures(hub_ids, date_from, date_to, *, by=None):
    """Family answers received, and attendance and ratings of MDT meetings held, in
    [date_from, date_to] (local dates), for the hubs together, per hub or per month. A
    report's three asks share one reading of each table (cc4c.breakdown.shared)."""
    breakdown.check(by)
    hub_ids = list(hub_ids)
    family, mdt, ratings = breakdown.shared(
        ("experience", tuple(hub_ids), date_from, date_to),
        lambda: _groupings(hub_ids, date_from, date_to),
    )

    def finish(group):
        return _values(
            breakdown.group_of(family, by, group),
            breakdown.group_of(mdt, by, group),
            breakdown.group_of(ratings, by, group),
        )

    return breakdown.spread(by, hub_ids, date_from, date_to, finish)
