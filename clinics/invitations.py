"""Calendar invitations to an outreach clinic session for its clinicians (cc4c/invitations.py):
sent when the session is made or a clinician is added, updated when it moves, cancelled when it
is cancelled. The event names the hub, the practice and the times, never a child."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cc4c import invitations


def uid(session):
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"clinic-session-{session.pk}@{host}"


def event(session):
    practice = session.host_practice
    link = settings.SITE_URL + reverse("clinics:session_detail", args=[session.pk])
    return invitations.Event(
        uid=uid(session),
        summary=f"Outreach clinic, {session.hub.name}",
        starts_at=timezone.make_aware(datetime.datetime.combine(session.date, session.start_time)),
        ends_at=timezone.make_aware(datetime.datetime.combine(session.date, session.end_time)),
        location=f"{practice.name}{', ' + practice.postcode if practice.postcode else ''}",
        description=f"The clinic list (sign-in needed): {link}",
        organizer_name=session.hub.name,
        kind="clinics.invitation",
    )


def attendees(session):
    return {p.email: p.display_name for p in session.clinicians.all() if p.is_active}


def publish(session):
    """Invite the session's clinicians as it is now; in the caller's transaction."""
    return invitations.publish(event(session), attendees(session))


def cancel(session):
    return invitations.cancel(event(session))
