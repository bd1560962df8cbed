"""Calendar invitations by email: one iCalendar event (RFC 5545, METHOD REQUEST or CANCEL, RFC
5546) per meeting or clinic session, written with ``icalendar`` and sent through the outbox.

``publish(event, attendees)`` in the transaction of the change: the first time, everyone gets
the invitation; when the event moves (its time, place or title changes) its SEQUENCE rises and
everyone gets the update; someone new gets the invitation as it is; someone no longer invited
gets a cancellation. ``cancel(event)`` sends every invitee a cancellation. The event's UID never
changes, so calendars update the entry they hold instead of adding another. What the email and
the event say is the caller's: they must name no child and hold no clinical detail.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from cc4c import formatting, outbox
from cc4c.models import CalendarEvent

PRODID = "-//CC4C child health hubs//Invitations//EN"


@dataclass
class Event:
    uid: str
    summary: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    description: str
    organizer_name: str
    kind: str  # for the outbox's logs: "mdt.invitation", "clinics.invitation"

    def fingerprint(self):
        text = "|".join(
            [
                self.summary,
                self.starts_at.astimezone(datetime.UTC).isoformat(),
                self.ends_at.astimezone(datetime.UTC).isoformat(),
                self.location,
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _organizer(event):
    address = vCalAddress(f"mailto:{organizer_email()}")
    address.params["cn"] = vText(event.organizer_name)
    return address


def organizer_email():
    """The address invitations come from: DEFAULT_FROM_EMAIL without its display name."""
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("<", 1)[-1].rstrip(">").strip() if "<" in sender else sender


def ics(event, *, method, sequence, attendees):
    """The iCalendar text of ``event`` for ``attendees`` ({email: name})."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    vevent = VEvent()
    vevent.add("uid", event.uid)
    vevent.add("sequence", sequence)
    vevent.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    vevent.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    vevent.add("dtend", event.ends_at.astimezone(datetime.UTC))
    vevent.add("summary", event.summary)
    vevent.add("location", event.location)
    vevent.add("description", event.description)
    vevent.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    vevent.add("organizer", _organizer(event))
    for email, name in sorted(attendees.items()):
        address = vCalAddress(f"mailto:{email}")
        address.params["cn"] = vText(name or email)
        address.params["role"] = vText("REQ-PARTICIPANT")
        if method == "REQUEST":
            address.params["partstat"] = vText("NEEDS-ACTION")
            address.params["rsvp"] = vText("TRUE")
        vevent.add("attendee", address, encode=0)
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")


def _send(event, *, method, sequence, to, attendees, subject):
    when = timezone.localtime(event.starts_at)
    lead = {
        "REQUEST": "You are invited to",
        "CANCEL": "This is cancelled:",
    }[method]
    body = (
        f"{lead} {event.summary}, {formatting.weekday(when)} at {formatting.clock(when)}, "
        f"{event.location}.\n\n"
        f"{event.description}\n\n"
        "The invitation is attached for your calendar.\n"
    )
    outbox.enqueue(
        kind=event.kind,
        subject=subject,
        body=body,
        to=[to],
        attachments=[
            {
                "filename": "invitation.ics" if method == "REQUEST" else "cancellation.ics",
                "content_type": "text/calendar",
                "params": {"method": method},
                "content": ics(event, method=method, sequence=sequence, attendees=attendees),
            }
        ],
    )


def _headline(event):
    return f"{event.summary}, {formatting.when(event.starts_at)}"


def publish(event, attendees):
    """Invite ``attendees`` ({email: name}) to ``event`` as it is now; in the caller's
    transaction. Returns the SEQUENCE the invitations carry."""
    attendees = {email: name for email, name in attendees.items() if email}
    row, created = CalendarEvent.objects.select_for_update().get_or_create(uid=event.uid)
    fingerprint = event.fingerprint()
    moved = not created and row.fingerprint != fingerprint
    before = set(row.invited)
    removed = before - set(attendees)
    if moved or removed or row.cancelled:
        row.sequence += 1
    if created or moved or row.cancelled:
        invite = set(attendees)
        subject = ("Updated invitation: " if moved else "Invitation: ") + _headline(event)
    else:
        invite = set(attendees) - before
        subject = "Invitation: " + _headline(event)
    for email in sorted(invite):
        _send(
            event,
            method="REQUEST",
            sequence=row.sequence,
            to=email,
            attendees=attendees,
            subject=subject,
        )
    for email in sorted(removed):
        _send(
            event,
            method="CANCEL",
            sequence=row.sequence,
            to=email,
            attendees={email: ""},
            subject="Cancelled for you: " + _headline(event),
        )
    row.invited = sorted(attendees)
    row.fingerprint = fingerprint
    row.cancelled = False
    row.save()
    return row.sequence


def cancel(event):
    """Send everyone invited to ``event`` its cancellation; in the caller's transaction."""
    row = CalendarEvent.objects.select_for_update().filter(uid=event.uid).first()
    if row is None or row.cancelled or not row.invited:
        return None
    row.sequence += 1
    attendees = dict.fromkeys(row.invited, "")
    for email in row.invited:
        _send(
            event,
            method="CANCEL",
            sequence=row.sequence,
            to=email,
            attendees=attendees,
            subject="Cancelled: " + _headline(event),
        )
    row.cancelled = True
    row.save()
    return row.sequence
