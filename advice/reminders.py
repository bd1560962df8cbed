"""Reminders and escalation from a periodic sweep over due times kept in the database.

Each (request, kind) has one ``Reminder`` row (a unique constraint). To send, the sweep
creates the row if missing, then in a transaction locks it (``SELECT ... FOR UPDATE SKIP
LOCKED``) only while ``sent_at`` is empty, sends the email, and sets ``sent_at`` before
committing. So:

- a second sweep running at the same time skips the row another sweep holds, and a later
  sweep sees ``sent_at`` and does nothing: each reminder goes once;
- if the send fails or the worker dies before the commit, the transaction rolls back, the lock
  goes with the connection, ``sent_at`` stays empty, and the next sweep (a minute later) sends
  it. The one unavoidable gap is a worker dying after the mail server accepted the message but
  before the commit reached the database, which could repeat that single email.
"""

import logging

from django.db import transaction
from django.utils import timezone

from advice import clock
from advice.models import WAITING_STATUSES, AdviceRequest, Reminder, ReminderKind
from advice.notify import send
from advice.services import covering_paediatricians
from hubs.access import people_in

log = logging.getLogger(__name__)

THRESHOLDS = [(ReminderKind.REMINDER_75, 0.75), (ReminderKind.ESCALATION_100, 1.0)]


def recipients_for(kind, advice_request, day):
    hub = advice_request.hub
    if kind == ReminderKind.REMINDER_75:
        people = covering_paediatricians(hub, day)
        if advice_request.claimed_by is not None:
            people.append(advice_request.claimed_by)
        return [p.email for p in people]
    if hub.lead is not None and hub.lead.is_active:
        return [hub.lead.email]
    # No lead named: the hub's coordinators hear of it, so a missed target never goes unseen.
    return list(people_in(hub, "hub.manage", on=day).values_list("email", flat=True))


def send_once(advice_request, kind, now, *, deliver=True):
    """Send ``kind`` for the request unless it went already; True if this call sent it."""
    Reminder.objects.bulk_create(
        [Reminder(request=advice_request, kind=kind, created_at=now)], ignore_conflicts=True
    )
    with transaction.atomic():
        row = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(request=advice_request, kind=kind, sent_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        recipients = recipients_for(kind, advice_request, timezone.localdate(now))
        if deliver:
            send(kind, advice_request, recipients)
            row.recipients = ", ".join(sorted(set(recipients)))
        else:
            row.recipients = "(not sent: the target had already passed)"
        row.sent_at = now
        row.save(update_fields=["sent_at", "recipients"])
    return True


def due_requests():
    """Requests whose clock is running and that still have a reminder or escalation to go."""
    return (
        AdviceRequest.objects.filter(
            status__in=WAITING_STATUSES,
            first_response_at__isnull=True,
            paused_since__isnull=True,
        )
        .exclude(reminders__kind=ReminderKind.ESCALATION_100, reminders__sent_at__isnull=False)
        .select_related("hub", "hub__lead", "hub__advice_settings", "claimed_by")
    )


def sweep(now=None):
    """Send every reminder and escalation that is due; safe to run often and twice at once."""
    now = now or timezone.now()
    sent = 0
    for advice_request in due_requests():
        fraction = clock.request_fraction(advice_request, now)
        for kind, threshold in THRESHOLDS:
            if fraction < threshold:
                continue
            # A reminder that comes only after the target has passed would say the wrong thing.
            deliver = not (kind == ReminderKind.REMINDER_75 and fraction >= 1.0)
            try:
                sent += send_once(advice_request, kind, now, deliver=deliver) and deliver
            except Exception:  # one failed send must not stop the others; retried next sweep
                log.exception("advice %s for request %s not sent", kind, advice_request.pk)
    return sent
