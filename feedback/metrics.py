"""The Experience measures of the evaluation report (evaluation-measures.md, Experience).

``by=None`` gives one dict for all the hubs together; ``by="hub"`` a dict per hub id (every id
asked for); ``by="month"`` a dict per first-of-month date touching the period, each month
clipped to the period. Each grouping is one GROUP BY query per table, and every percentage
and mean comes from the group's own numerator and denominator.
"""

from decimal import Decimal

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth

from cc4c.measures import pct, round_1dp
from feedback.models import POSITIVE, FamilyResponse, Place, ProfessionalFeedback


def _months(date_from, date_to):
    from cc4c.evaluation.periods import months_touching

    return months_touching(date_from, date_to)


def _grouped(queryset, by, hub_field, date_field, aggregates):
    """{group key: {aggregate: value}}; the key is None when ``by`` is None."""
    if by is None:
        return {None: queryset.aggregate(**aggregates)}
    if by == "hub":
        key = hub_field
        rows = queryset.values(key).order_by().annotate(**aggregates)
    elif by == "month":
        rows = (
            queryset.annotate(_month=TruncMonth(date_field, output_field=DateField()))
            .values("_month")
            .order_by()
            .annotate(**aggregates)
        )
        key = "_month"
    else:
        raise ValueError(f"unknown grouping {by!r}")
    return {row.pop(key): row for row in rows}


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
    [date_from, date_to] (local dates)."""
    from mdt.models import Attendance, MeetingStatus

    hub_ids = list(hub_ids)
    family = _grouped(
        FamilyResponse.objects.filter(
            hub_id__in=hub_ids, received_on__gte=date_from, received_on__lte=date_to
        ),
        by,
        "hub_id",
        "received_on",
        {
            "responses": Count("pk"),
            "positive": Count("pk", filter=Q(experience__in=POSITIVE)),
            "place_answered": Count("pk", filter=~Q(place="")),
            "practice": Count("pk", filter=Q(place=Place.GP_PRACTICE)),
        },
    )
    held = {
        "meeting__hub_id__in": hub_ids,
        "meeting__status": MeetingStatus.FINISHED,
        "meeting__starts_at__date__gte": date_from,
        "meeting__starts_at__date__lte": date_to,
    }
    mdt = _grouped(
        Attendance.objects.filter(present=True, **held),
        by,
        "meeting__hub_id",
        "meeting__starts_at",
        {"attendances": Count("pk")},
    )
    ratings = _grouped(
        ProfessionalFeedback.objects.filter(**held),
        by,
        "meeting__hub_id",
        "meeting__starts_at",
        {"rated": Count("pk"), "total": Sum("usefulness")},
    )
    if by is None:
        return _values(family[None], mdt[None], ratings[None])
    keys = hub_ids if by == "hub" else _months(date_from, date_to)
    return {k: _values(family.get(k, {}), mdt.get(k, {}), ratings.get(k, {})) for k in keys}
