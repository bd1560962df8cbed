"""Every write of the learning library and CPD record.

Each function takes keyword arguments with the acting person as ``by``, runs in one transaction
and raises ``LearningError`` (naming the field when there is one) when it refuses.
"""

import datetime
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cc4c.errors import ServiceError
from hubs import access
from hubs.access import can
from hubs.models import Hub, Person
from learning import identifiers
from learning.models import LearningPoint, PointStatus, TeachingSession, Topic
from mdt.models import CaseDiscussion, Meeting, MeetingStatus
from population.models import Segment

# A lesson is recorded once the meeting has run, during it or after.
RECORDING_STATUSES = (MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED)


class LearningError(ServiceError):
    """A refusal with a message for the person, about ``field`` of their form when given."""


def _children_discussed(meeting: Meeting) -> list[tuple[str, str, datetime.date]]:
    return list(
        meeting.cases.values_list("child__given_name", "child__family_name", "child__date_of_birth")
    )


def refuse_identifiers(meeting: Meeting, *, title: str, text: str) -> None:
    """Raise LearningError naming the field when the title or text identifies a child."""
    children = _children_discussed(meeting)
    for field, value in (("title", title), ("text", text)):
        found = identifiers.problems(value, children)
        if found:
            raise LearningError(" ".join(found), field=field)


def identifier_problem(meeting: Meeting, text: str) -> str:
    """Why ``text`` may not go to the library (it identifies a child), or ""."""
    return " ".join(identifiers.problems(text, _children_discussed(meeting)))


def draft_title(text: str) -> str:
    """A title for a draft: the text's first sentence, cut at a word to fit the title field."""
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0].rstrip(".")
    limit = LearningPoint._meta.get_field("title").max_length or len(first)
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0] + "…"
    return first


def draft_from_case(*, case: CaseDiscussion, text: str, by: Person) -> LearningPoint | None:
    """The case's learning point as a draft waiting for the chair, written or brought up to date
    with ``text`` (in the caller's transaction), or taken away while still a draft when ``text``
    is empty. One that was reviewed is left as it is."""
    text = text.strip()
    point = LearningPoint.objects.select_for_update().filter(case=case).first()
    if not text:
        # The learning point was cleared: a draft still waiting for the chair goes with it.
        if point is not None and point.status == PointStatus.AWAITING:
            point.delete()
        return None
    if point is None:
        return LearningPoint.objects.create(
            meeting=case.meeting,
            case=case,
            title=draft_title(text),
            topic=Topic.OTHER,
            text=text,
            recorded_by=by,
            status=PointStatus.AWAITING,
        )
    if point.status == PointStatus.AWAITING and point.text != text:
        point.title, point.text = draft_title(text), text
        point.save(update_fields=["title", "text"])
    return point


def record_point(
    *,
    meeting: Meeting,
    title: str,
    topic: str,
    text: str,
    by: Person,
    segment: Segment | None = None,
) -> LearningPoint:
    """Record a learning point of ``meeting``: waiting for the chair, or published if by them.

    ``by`` must be someone who may see the meeting (the caller's scoped query decides that).
    """
    if meeting.status not in RECORDING_STATUSES:
        raise LearningError("Learning points are recorded once the meeting has started.")
    title, text = title.strip(), text.strip()
    refuse_identifiers(meeting, title=title, text=text)
    chair = access.may_chair(by, meeting)
    now = timezone.now()
    with transaction.atomic():
        return LearningPoint.objects.create(
            meeting=meeting,
            title=title,
            topic=topic,
            segment=segment,
            text=text,
            recorded_by=by,
            recorded_at=now,
            # The chair approves what they write themselves by writing it.
            status=PointStatus.PUBLISHED if chair else PointStatus.AWAITING,
            reviewed_by=by if chair else None,
            reviewed_at=now if chair else None,
        )


def review_point(
    *,
    point: LearningPoint,
    publish: bool,
    by: Person,
    title: str,
    topic: str,
    text: str,
    segment: Segment | None = None,
    reason: str = "",
) -> LearningPoint:
    """The meeting's chair publishes a waiting point (as written or corrected) or declines it."""
    if not access.may_chair(by, point.meeting):
        raise LearningError("Only the meeting's chair or a paediatrician of its hub can do this.")
    title, text, reason = title.strip(), text.strip(), reason.strip()
    if publish:
        refuse_identifiers(point.meeting, title=title, text=text)
    elif not reason:
        raise LearningError("Say why the learning point is not published.", field="reason")
    with transaction.atomic():
        locked = LearningPoint.objects.select_for_update().get(pk=point.pk)
        if locked.status != PointStatus.AWAITING:
            raise LearningError("This learning point has already been reviewed.")
        if publish:
            locked.title, locked.topic, locked.text, locked.segment = title, topic, text, segment
            locked.status = PointStatus.PUBLISHED
        else:
            locked.status = PointStatus.DECLINED
            locked.decline_reason = reason
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save()
    return locked


def add_teaching(
    *, hub: Hub, date: datetime.date, title: str, role: str, hours: Decimal, by: Person
) -> TeachingSession:
    """Record teaching ``by`` gave or received, in one of their hubs, for their CPD."""
    if not can(by, "learning.view", hub):
        raise LearningError("Choose one of your hubs.", field="hub")
    if date > timezone.localdate():
        raise LearningError("The date cannot be in the future.", field="date")
    with transaction.atomic():
        return TeachingSession.objects.create(
            person=by, hub=hub, date=date, title=title.strip(), role=role, hours=hours
        )


def delete_teaching(*, session: TeachingSession, by: Person) -> None:
    """Remove a teaching entry from the person's own record."""
    if session.person_id != by.pk:
        raise LearningError("You can remove only your own teaching entries.")
    with transaction.atomic():
        session.delete()
