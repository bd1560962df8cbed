"""Scoped reads of feedback: family answers (approved comments only, outside moderation) and
attendees' ratings of MDT meetings."""

from django.db.models import Avg, Count, Q, QuerySet

from feedback.models import CommentStatus, FamilyResponse, ProfessionalFeedback
from hubs.access import hub_ids, hubs_for
from hubs.models import Hub, Person
from mdt.models import Meeting


def feedback_hubs(user: Person) -> QuerySet[Hub]:
    return hubs_for(user, "feedback.view").order_by("name")


def responses(user: Person, *, hub_id: int | None = None) -> QuerySet[FamilyResponse]:
    """Answers of the user's hubs, newest first; templates show only ``shown_comment``."""
    qs = FamilyResponse.objects.visible_to(user).select_related("hub")
    if hub_id:
        qs = qs.filter(hub_id=hub_id)
    return qs.order_by("-received_on", "-id")


def pending_comments(user: Person) -> QuerySet[FamilyResponse]:
    """Comments waiting for a coordinator of the answer's hub, oldest first."""
    return (
        FamilyResponse.objects.visible_to(user, "feedback.moderate")
        .filter(comment_status=CommentStatus.PENDING)
        .select_related("hub")
        .order_by("received_on", "id")
    )


def moderatable(user: Person) -> QuerySet[FamilyResponse]:
    return FamilyResponse.objects.visible_to(user, "feedback.moderate").exclude(
        comment_status=CommentStatus.NONE
    )


def rated_meetings(user: Person, *, hub_id: int | None = None) -> QuerySet[Meeting]:
    """Finished MDT meetings of the user's hubs with their ratings, newest first."""
    from mdt.models import Meeting, MeetingStatus

    qs = Meeting.objects.filter(
        hub_id__in=hub_ids(user, "feedback.view"), status=MeetingStatus.FINISHED
    )
    if hub_id:
        qs = qs.filter(hub_id=hub_id)
    return (
        qs.select_related("hub")
        .annotate(
            ratings=Count("professional_feedback", distinct=True),
            usefulness=Avg("professional_feedback__usefulness"),
            learned=Count(
                "professional_feedback",
                filter=Q(professional_feedback__learned_something=True),
                distinct=True,
            ),
            attended=Count("attendances", filter=Q(attendances__present=True), distinct=True),
        )
        .order_by("-starts_at", "-id")
    )


def my_rating(user: Person, meeting: Meeting) -> ProfessionalFeedback | None:
    return meeting.professional_feedback.filter(person=user).first()
