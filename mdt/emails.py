"""The MDT's emails: they say something needs attention and link to it, never who or why.

Each writes to the outbox (cc4c.outbox) in the caller's transaction. None names a child, a
clinical question or a reason: only dates, places and links to pages behind sign-in.
"""

from django.conf import settings
from django.urls import reverse

from cc4c import formatting, outbox


def _link(path):
    return f"{settings.SITE_URL}{path}"


def _when(moment):
    return f"{formatting.weekday(moment)} at {formatting.clock(moment)}"


def _where(meeting):
    parts = [meeting.place] if meeting.place else []
    if meeting.video_link:
        parts.append(f"by video: {meeting.video_link}")
    return ", or ".join(parts) or "not set yet"


def _invitee_addresses(meeting):
    return [p.email for p in meeting.invitees.filter(is_active=True).order_by("pk")]


def _to_each(addresses, *, kind, subject, body):
    for email in addresses:
        outbox.enqueue(kind=kind, subject=subject, body=body, to=[email])
    return len(addresses)


def agenda_notice(meeting, *, again=False):
    """Tell each invitee the agenda is ready: the date and a link, no child or clinical detail."""
    link = _link(reverse("mdt:meeting", args=[meeting.pk]))
    body = (
        f"The agenda for the MDT meeting on {_when(meeting.starts_at)} is ready"
        f"{' (sent again: it may have changed)' if again else ''}.\n\n"
        f"Where: {_where(meeting)}\n\n"
        f"Read it, signed in, here: {link}\n"
    )
    subject = "MDT meeting agenda (sent again)" if again else "MDT meeting agenda ready"
    return _to_each(_invitee_addresses(meeting), kind="mdt.agenda", subject=subject, body=body)


def meeting_changed(meeting):
    """Tell the invitees the meeting's time, place or video link changed."""
    link = _link(reverse("mdt:meeting", args=[meeting.pk]))
    body = (
        "An MDT meeting you are invited to has changed.\n\n"
        f"When: {_when(meeting.starts_at)}\n"
        f"Where: {_where(meeting)}\n\n"
        f"See the meeting, signed in, here: {link}\n"
    )
    return _to_each(
        _invitee_addresses(meeting), kind="mdt.changed", subject="MDT meeting changed", body=body
    )


def meeting_cancelled(meeting, plan):
    """Tell the invitees the meeting is cancelled and on which dates its cases will be heard."""
    dates = sorted({carry.starts_at for carry in plan})
    if dates:
        moved = "The cases on its agenda move to the meeting" + (
            f" on {_when(dates[0])}."
            if len(dates) == 1
            else "s on " + "; ".join(_when(d) for d in dates) + "."
        )
    else:
        moved = "It had no cases on its agenda."
    body = (
        f"The MDT meeting on {_when(meeting.starts_at)} has been cancelled.\n\n"
        f"{moved}\n\n"
        f"See the hub's meetings, signed in, here: {_link(reverse('mdt:meetings'))}\n"
    )
    return _to_each(
        _invitee_addresses(meeting),
        kind="mdt.cancelled",
        subject="MDT meeting cancelled",
        body=body,
    )


def case_removed(meeting, referrer):
    """Tell the person who put a case forward that it was taken off the agenda."""
    body = (
        f"A case you put forward was taken off the agenda of the MDT meeting on "
        f"{_when(meeting.starts_at)}.\n\n"
        f"See your cases, signed in, here: {_link(reverse('mdt:my_cases'))}\n"
    )
    outbox.enqueue(
        kind="mdt.case_removed",
        subject="MDT case taken off the agenda",
        body=body,
        to=[referrer.email],
    )


def action_reminder(action):
    """Remind an action's owner it is overdue: a link only."""
    link = _link(reverse("mdt:my_actions"))
    body = (
        "An action agreed at an MDT meeting and assigned to you is past its due date.\n\n"
        f"See your actions, signed in, here: {link}\n"
    )
    outbox.enqueue(
        kind="mdt.action_reminder", subject="MDT action overdue", body=body, to=[action.owner.email]
    )
