"""The MDT's emails: they say something needs attention and link to it, never who or why."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cc4c import formatting, outbox


def _link(path):
    return f"{settings.SITE_URL}{path}"


def agenda_notice(meeting):
    """Tell each invitee the agenda is ready: the date and a link, no child or clinical detail."""
    when = timezone.localtime(meeting.starts_at)
    link = _link(reverse("mdt:meeting", args=[meeting.pk]))
    body = (
        f"The agenda for the MDT meeting on {formatting.weekday(when)} at "
        f"{formatting.clock(when)} is ready.\n\n"
        f"Read it, signed in, here: {link}\n"
    )
    recipients = [p.email for p in meeting.invitees.filter(is_active=True).order_by("pk")]
    for email in recipients:
        outbox.enqueue(kind="mdt.agenda", subject="MDT meeting agenda ready", body=body, to=[email])
    return len(recipients)


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
