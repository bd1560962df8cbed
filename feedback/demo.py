"""Demo feedback: families' answers after past attended appointments (through their links),
some comments approved, and attendees' ratings of finished MDT meetings. Idempotent."""

import datetime
import random

from feedback import services, tokens
from feedback.models import CommentStatus, Experience, FamilyResponse, Place, ProfessionalFeedback

EXPERIENCES = [Experience.VERY_GOOD] * 6 + [Experience.GOOD] * 3 + [Experience.NEITHER]
PLACES = [Place.GP_PRACTICE] * 7 + [Place.NO_PREFERENCE] * 2 + [Place.HOSPITAL, ""]
COMMENTS = [
    "Much easier than going to the hospital, and we were seen on time.",
    "The doctor explained everything clearly.",
    "Parking was difficult but the appointment itself was great.",
    "",
    "",
]


def _family_answers(hub, rng):
    from clinics.models import Appointment, AppointmentStatus

    if FamilyResponse.objects.filter(hub=hub).exists():
        return
    attended = list(
        Appointment.objects.filter(slot__session__hub=hub, status=AppointmentStatus.ATTENDED)
        .select_related("slot__session")
        .order_by("slot__session__date", "pk")[:40]
    )
    invitations = services.invitations_for_appointments(attended)
    for appointment in attended:
        if rng.random() < 0.4:
            continue  # not every family answers
        invitation = invitations[appointment.pk]
        response = services.answer(
            token=tokens.token_for(invitation.nonce),
            experience=rng.choice(EXPERIENCES),
            place=rng.choice(PLACES),
            comment=rng.choice(COMMENTS),
            today=invitation.contact_date + datetime.timedelta(days=rng.randint(0, 5)),
        )
        if response.comment and rng.random() < 0.6:
            response.comment_status = CommentStatus.APPROVED
            response.save(update_fields=["comment_status"])


def _meeting_ratings(hub, rng):
    from mdt.models import Attendance, MeetingStatus

    attendances = Attendance.objects.filter(
        meeting__hub=hub,
        meeting__status=MeetingStatus.FINISHED,
        present=True,
        person__isnull=False,
    ).select_related("meeting", "person")
    rated = set(
        ProfessionalFeedback.objects.filter(meeting__hub=hub).values_list("meeting_id", "person_id")
    )
    for attendance in attendances.order_by("meeting__starts_at", "pk"):
        # Draw every number first, so a second run makes the same choices and adds nothing.
        skip, usefulness, learned = rng.random() < 0.3, rng.choice([3, 4, 4, 5, 5, 5]), rng.random()
        if skip or (attendance.meeting_id, attendance.person_id) in rated:
            continue
        services.rate_meeting(
            meeting=attendance.meeting,
            usefulness=usefulness,
            learned_something=learned < 0.8,
            by=attendance.person,
        )


def load(ctx):
    for entry in ctx["hubs"]:
        hub = entry["hub"]
        rng = random.Random(f"feedback-{hub.code}")
        _family_answers(hub, rng)
        _meeting_ratings(hub, rng)
