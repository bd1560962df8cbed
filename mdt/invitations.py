"""Calendar invitations to an MDT meeting for its chair and invitees (cc4c/invitations.py):
sent when the meeting is scheduled or someone is invited, updated when it moves, cancelled when
it is cancelled. The event names the hub, the time and the place, never a child."""

import datetime

from django.conf import settings
from django.urls import reverse

from cc4c import invitations

# Meetings have a start time only; calendars are given this long.
LENGTH = datetime.timedelta(minutes=90)


def uid(meeting):
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"mdt-meeting-{meeting.pk}@{host}"


def event(meeting):
    where = meeting.place or ""
    if meeting.video_link:
        where = f"{where} (video: {meeting.video_link})" if where else meeting.video_link
    link = settings.SITE_URL + reverse("mdt:meeting", args=[meeting.pk])
    return invitations.Event(
        uid=uid(meeting),
        summary=f"MDT meeting, {meeting.hub.name}",
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + LENGTH,
        location=where or "To be confirmed",
        description=f"The agenda and the cases (sign-in needed): {link}",
        organizer_name=meeting.hub.name,
        kind="mdt.invitation",
    )


def attendees(meeting):
    people = {p.email: p.display_name for p in meeting.invitees.all() if p.is_active}
    if meeting.chair_id and meeting.chair.is_active:
        people[meeting.chair.email] = meeting.chair.display_name
    return people


def publish(meeting):
    """Invite the meeting's people as it is now; in the caller's transaction."""
    return invitations.publish(event(meeting), attendees(meeting))


def cancel(meeting):
    return invitations.cancel(event(meeting))
