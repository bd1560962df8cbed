"""Reads of the learning library and CPD records.

The library is shared by every hub: it holds no child data, only lessons the chair approved.
Recording and reviewing go through the MDT's own scope (``meetings_visible_to``); a CPD record
is only ever its owner's.
"""

import datetime

from django.db.models import Q, QuerySet

from hubs.access import hub_ids
from hubs.models import Person
from learning.models import LearningPoint, PointStatus, TeachingSession
from mdt.models import Meeting
from mdt.queries import meetings_visible_to
from population.models import Segment

SORTS = {
    "newest": ("-meeting__starts_at", "-id"),
    "oldest": ("meeting__starts_at", "id"),
    "topic": ("topic", "-meeting__starts_at", "-id"),
}


def library(
    *,
    q: str = "",
    topic: str = "",
    segment: Segment | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    sort: str = "newest",
) -> QuerySet[LearningPoint]:
    """Published learning points of every hub, filtered; each word of ``q`` must appear."""
    points = LearningPoint.objects.published()
    for word in q.split():
        points = points.filter(Q(title__icontains=word) | Q(text__icontains=word))
    if topic:
        points = points.filter(topic=topic)
    if segment is not None:
        points = points.filter(segment=segment)
    if date_from:
        points = points.filter(meeting__starts_at__date__gte=date_from)
    if date_to:
        points = points.filter(meeting__starts_at__date__lte=date_to)
    return points.select_related("meeting", "meeting__hub", "segment").order_by(
        *SORTS.get(sort, SORTS["newest"])
    )


def points_visible_to(user: Person) -> QuerySet[LearningPoint]:
    """Every learning point (any status) of the MDT meetings ``user`` may see."""
    return LearningPoint.objects.filter(meeting__in=meetings_visible_to(user).values("pk"))


def meeting_points(meeting: Meeting) -> QuerySet[LearningPoint]:
    return meeting.learning_points.select_related("segment", "recorded_by", "reviewed_by").order_by(
        "recorded_at", "id"
    )


def awaiting_review_by(user: Person) -> QuerySet[LearningPoint]:
    """Points waiting for approval at meetings ``user`` may chair (see hubs.access.may_chair)."""
    chairs = Q(meeting__hub_id__in=hub_ids(user, "mdt.chair")) | Q(meeting__chair_id=user.pk)
    return (
        points_visible_to(user)
        .filter(chairs, status=PointStatus.AWAITING)
        .select_related("meeting", "meeting__hub")
        .order_by("recorded_at", "id")
    )


def own_teaching(user: Person) -> QuerySet[TeachingSession]:
    return TeachingSession.objects.filter(person_id=user.pk)
