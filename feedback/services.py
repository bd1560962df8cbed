"""Every feedback write: issuing family links, taking a family's answer once, moderating
comments, and an attendee's rating of an MDT meeting."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from advice.models import AdviceRequest
from cc4c.errors import ServiceError
from clinics.models import Appointment, ClinicSession
from feedback import tokens
from feedback.models import (
    CommentStatus,
    Contact,
    FamilyInvitation,
    FamilyResponse,
    ProfessionalFeedback,
)
from hubs import access
from hubs.access import can
from hubs.models import Person
from mdt.models import Meeting

# A family can answer for this long after the appointment or the answer.
LINK_DAYS = 60


class FeedbackError(ServiceError):
    """A refusal, with a message fit to show the person."""


def _invitation(
    *, hub_id: int, contact: str, contact_date: datetime.date, **target: Any
) -> FamilyInvitation:
    nonce = tokens.new_nonce()
    return FamilyInvitation(
        hub_id=hub_id,
        contact=contact,
        contact_date=contact_date,
        nonce=nonce,
        token_hash=tokens.hash_token(tokens.token_for(nonce)),
        expires_on=contact_date + datetime.timedelta(days=LINK_DAYS),
        **target,
    )


def invitations_for_appointments(
    appointments: Iterable[Appointment | None], *, session: ClinicSession | None = None
) -> dict[int | None, FamilyInvitation]:
    """{appointment id: invitation} for live appointments (of ``session``, when given), making
    any that are missing; safe to run at once from two pages: one link per appointment."""
    live = [a for a in appointments if a is not None and a.is_live]
    if not live:
        return {}
    ids = [a.pk for a in live]
    have = {i.appointment_id: i for i in FamilyInvitation.objects.filter(appointment_id__in=ids)}
    missing = []
    for a in live:
        if a.pk not in have:
            held = session or a.slot.session
            missing.append(
                _invitation(
                    hub_id=held.hub_id,
                    contact=Contact.CLINIC,
                    contact_date=held.date,
                    appointment_id=a.pk,
                )
            )
    if missing:
        FamilyInvitation.objects.bulk_create(missing, ignore_conflicts=True)
        have = {
            i.appointment_id: i for i in FamilyInvitation.objects.filter(appointment_id__in=ids)
        }
    return have


def invitation_for_advice(advice_request: AdviceRequest) -> FamilyInvitation | None:
    """The answered request's link, made the first time it is asked for."""
    if advice_request.first_response_at is None:
        return None
    invitation = FamilyInvitation.objects.filter(advice_request=advice_request).first()
    if invitation is None:
        FamilyInvitation.objects.bulk_create(
            [
                _invitation(
                    hub_id=advice_request.hub_id,
                    contact=Contact.ADVICE,
                    contact_date=timezone.localdate(advice_request.first_response_at),
                    advice_request_id=advice_request.pk,
                )
            ],
            ignore_conflicts=True,
        )
        invitation = FamilyInvitation.objects.get(advice_request=advice_request)
    return invitation


def find_invitation(token: str) -> FamilyInvitation | None:
    """The invitation a link names, or None."""
    if not token or len(token) > 64:
        return None
    return FamilyInvitation.objects.filter(token_hash=tokens.hash_token(token)).first()


def refusal(invitation: FamilyInvitation, today: datetime.date | None = None) -> str:
    """Why this link cannot take an answer now, or "" when it can."""
    from clinics.models import AppointmentStatus

    today = today or timezone.localdate()
    if invitation.used:
        return "used"
    if today > invitation.expires_on:
        return "expired"
    if invitation.contact == Contact.CLINIC and invitation.appointment is not None:
        status = invitation.appointment.status
        attended = status == AppointmentStatus.ATTENDED
        # The family may scan the code before the clinic has recorded the attendance.
        on_the_day = status == AppointmentStatus.BOOKED and today >= invitation.contact_date
        if not (attended or on_the_day):
            return "not_yet" if today < invitation.contact_date else "no_appointment"
    return ""


def answer(
    *,
    token: str,
    experience: int,
    place: str = "",
    comment: str = "",
    today: datetime.date | None = None,
) -> FamilyResponse:
    """Store one family's answer: at most one per link, however many times it is sent at once.

    The answer keeps the hub and the contact's date only; nothing ties it to the link.
    """
    today = today or timezone.localdate()
    comment = (comment or "").strip()
    with transaction.atomic():
        invitation = (
            FamilyInvitation.objects.select_for_update(of=("self",))
            .select_related("appointment")
            .filter(token_hash=tokens.hash_token(token))
            .first()
        )
        if invitation is None:
            raise FeedbackError("unknown")
        reason = refusal(invitation, today)
        if reason:
            raise FeedbackError(reason)
        invitation.used = True
        invitation.save(update_fields=["used"])
        return FamilyResponse.objects.create(
            hub_id=invitation.hub_id,
            contact=invitation.contact,
            contact_date=invitation.contact_date,
            received_on=today,
            experience=experience,
            place=place,
            comment=comment,
            comment_status=CommentStatus.PENDING if comment else CommentStatus.NONE,
        )


def moderate_comment(*, response: FamilyResponse, approve: bool, by: Person) -> FamilyResponse:
    """A coordinator of the response's hub approves a comment for showing, or keeps it hidden."""
    if not can(by, "feedback.moderate", response.hub_id):
        raise FeedbackError("Only the hub's coordinators approve comments.")
    if response.comment_status == CommentStatus.NONE:
        raise FeedbackError("This answer has no comment.")
    response.comment_status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    response.moderated_by = by
    response.moderated_at = timezone.now()
    response.save(update_fields=["comment_status", "moderated_by", "moderated_at"])
    return response


def rate_meeting(
    *,
    meeting: Meeting,
    usefulness: int,
    learned_something: bool,
    learning: str = "",
    comment: str = "",
    by: Person,
) -> ProfessionalFeedback:
    """An attendee's rating of a finished MDT meeting, once per person per meeting."""
    if not access.may_rate(by, meeting):
        raise FeedbackError("Only people recorded as attending a finished meeting can rate it.")
    try:
        with transaction.atomic():
            return ProfessionalFeedback.objects.create(
                meeting=meeting,
                person=by,
                usefulness=usefulness,
                learned_something=learned_something,
                learning=learning.strip(),
                comment=comment.strip(),
            )
    except IntegrityError:
        raise FeedbackError("You have already rated this meeting. Thank you.") from None
