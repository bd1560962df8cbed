"""Texts and emails to families go through GOV.UK Notify from this outbox, so none is lost when
Redis, a worker or Notify is down: the outbox of cc4c/outbox.py, as a second channel.

``enqueue`` writes the message as a row in the caller's transaction: if the change it tells a
family about is rolled back, so is the message. After commit a relay task is published to
Celery; if publishing fails, the sweep (``cc4c.tasks.relay_unsent_notifications``, every
minute) sends it instead.

``relay`` claims each row with ``SELECT ... FOR UPDATE SKIP LOCKED``, sends it with the official
client (``notifications-python-client``) and stores Notify's notification id in that
transaction, so two relays never send one message twice and a relay that dies mid-send leaves
the row for the next one. Notify answering 5xx or 429, or not answering at all, leaves the row
waiting with a growing pause (1, 2, 4 ... 60 minutes). A 400 ends it: as a permanent failure
(the contact is wrong) when Notify names the number or address, and as refused otherwise (a
template, personalisation or key to fix, which no correction of the contact would mend). The
one gap no outbox can close: a relay dying after Notify accepted a message and before its
commit reached the database repeats that message.

Delivery receipts (Notify's callback, or ``check_statuses`` asking Notify about messages with
no receipt after an hour) go through ``record_receipt``: delivered and permanent failures are
final; a temporary or technical failure sends the message again, at most ``MAX_RESENDS`` times.
Apps learn of a final state through ``on_final(listener)``, inside the transaction that records
it (the families app opens a task for the coordinator when a number is wrong).

Without ``NOTIFY_API_KEY`` (``make run``, tests) nothing leaves the machine: a relayed message is
marked ``kept`` and shown on the families' outbox page.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cc4c import queueing
from cc4c.models import FINAL_NOTIFICATION_STATUSES, NotificationStatus, OutboxNotification

log = logging.getLogger(__name__)

BATCH = 200
# A message that failed for a while (phone off, a fault at Notify) is sent again this many times.
MAX_RESENDS = 2
# Notify's callback statuses, and the statuses its API reports that are still on their way.
RECEIPT_STATUSES = {
    "delivered": NotificationStatus.DELIVERED,
    "permanent-failure": NotificationStatus.PERMANENT_FAILURE,
    "temporary-failure": NotificationStatus.TEMPORARY_FAILURE,
    "technical-failure": NotificationStatus.TECHNICAL_FAILURE,
}
RESENT_ON = (NotificationStatus.TEMPORARY_FAILURE, NotificationStatus.TECHNICAL_FAILURE)
# Messages with no receipt this long after sending are asked about (check_statuses).
RECEIPT_OVERDUE = datetime.timedelta(hours=1)

_listeners = []


def on_final(listener):
    """Call ``listener(notification)`` whenever a message reaches a final state (delivered, a
    failure, kept, withdrawn), inside the transaction that records it."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _finished(notification):
    for listener in _listeners:
        listener(notification)


def has_key():
    return bool(settings.NOTIFY_API_KEY)


def enqueue(*, kind, channel, to, template_id, personalisation):
    """Store one message to send after the caller's transaction commits."""
    notification = OutboxNotification.objects.create(
        kind=kind,
        channel=channel,
        to=to,
        template_id=template_id or "",
        personalisation=personalisation,
    )
    from cc4c.tasks import relay_notifications

    queueing.after_commit(relay_notifications, [notification.pk])
    return notification


def withdraw(notifications):
    """Messages not sent yet that are no longer wanted (the appointment was cancelled or moved):
    never sent. A message a relay is sending at this moment is waited for, and stays sent."""
    withdrawn = 0
    for notification in notifications.filter(status=NotificationStatus.QUEUED).select_for_update():
        notification.status = NotificationStatus.WITHDRAWN
        notification.status_at = timezone.now()
        notification.save(update_fields=["status", "status_at"])
        _finished(notification)
        withdrawn += 1
    return withdrawn


def _backoff(attempts):
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def client():
    """The official GOV.UK Notify client, for the key and address of the settings."""
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.NOTIFY_TIMEOUT
    )


def relay(ids=None, *, now=None, limit=BATCH):
    """Send waiting messages (these ``ids``, or every one that is due), each once; how many went."""
    now = now or timezone.now()
    waiting = OutboxNotification.objects.filter(status=NotificationStatus.QUEUED)
    if ids is not None:
        waiting = waiting.filter(pk__in=ids)
    else:
        waiting = waiting.filter(next_attempt_at__lte=now)
    pks = list(waiting.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    if not pks:
        return 0
    api = client() if has_key() else None
    sent = 0
    for pk in pks:
        outcome = _send_one(pk, api)
        if outcome == "sent":
            sent += 1
        elif outcome == "unreachable":
            break  # Notify is down: leave the rest for the next sweep
    return sent


def _send(api, notification):
    args = {
        "template_id": notification.template_id,
        "personalisation": notification.personalisation,
        "reference": notification.reference,
    }
    if notification.channel == OutboxNotification.Channel.SMS:
        return api.send_sms_notification(phone_number=notification.to, **args)
    return api.send_email_notification(email_address=notification.to, **args)


def _send_one(pk, api):
    from notifications_python_client.errors import APIError

    with transaction.atomic():
        notification = (
            OutboxNotification.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=NotificationStatus.QUEUED)
            .first()
        )
        if notification is None:
            return "skipped"  # sent already, withdrawn, or another relay holds it right now
        notification.attempts += 1
        now = timezone.now()
        if api is None:
            notification.status = NotificationStatus.KEPT
            notification.status_at = notification.sent_at = now
            notification.save(update_fields=["attempts", "status", "status_at", "sent_at"])
            _finished(notification)
            return "sent"
        try:
            answer = _send(api, notification)
        except (APIError, OSError) as error:
            return _failed(notification, error)
        notification.notify_id = str(answer["id"])
        notification.status = NotificationStatus.SENDING
        notification.status_at = notification.sent_at = now
        notification.last_error = ""
        notification.save(
            update_fields=["attempts", "notify_id", "status", "status_at", "sent_at", "last_error"]
        )
    return "sent"


RECIPIENT_FIELDS = ("phone_number", "email_address")


def _names_the_recipient(error):
    """Does Notify's 400 say the number or address is at fault? Its errors name the field first
    ("phone_number Not a UK mobile number", "email_address Not a valid email address")."""
    try:
        errors = error.response.json().get("errors", [])
    except (ValueError, AttributeError):
        return False
    return any(str(e.get("message", "")).startswith(RECIPIENT_FIELDS) for e in errors)


def _failed(notification, error):
    status = getattr(error, "status_code", None)
    response = getattr(error, "response", None)
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    fields = ["attempts", "last_error"]
    if response is not None and status == 400:
        # Notify refuses the message itself: sending it again changes nothing. Only a refusal
        # of the number or address is the contact's fault (the coordinator is asked to correct
        # it); a missing template or personalisation, or a trial key, is the service's.
        notification.status = (
            NotificationStatus.PERMANENT_FAILURE
            if _names_the_recipient(error)
            else NotificationStatus.REFUSED
        )
        notification.status_at = timezone.now()
        notification.save(update_fields=[*fields, "status", "status_at"])
        log.warning("notify: message %s refused (%s)", notification.pk, notification.last_error)
        _finished(notification)
        return "failed"
    notification.next_attempt_at = timezone.now() + _backoff(notification.attempts)
    notification.save(update_fields=[*fields, "next_attempt_at"])
    log.warning("notify: message %s not sent (%s); will retry", notification.pk, error)
    return "unreachable" if response is None or status >= 500 else "failed"


def record_receipt(*, notify_id, status, reference=""):
    """Record what Notify says became of a message; the row, or None when it is not one of ours
    (or names an earlier send of one). Safe to receive twice, or late."""
    new_status = RECEIPT_STATUSES.get(status)
    if new_status is None:
        return None  # still on its way ("sending", "pending"): nothing to record
    rows = OutboxNotification.objects.select_for_update()
    pk = reference.removeprefix("cc4c-") if reference.startswith("cc4c-") else ""
    with transaction.atomic():
        # By our reference first: a receipt may arrive while the relay still holds the row.
        notification = rows.filter(pk=pk).first() if pk.isdigit() else None
        if notification is None:
            notification = rows.filter(notify_id=notify_id).first()
        if notification is None or notification.notify_id != notify_id:
            return None
        if notification.status != NotificationStatus.SENDING:
            return notification  # told already
        now = timezone.now()
        if new_status in RESENT_ON and notification.resends < MAX_RESENDS:
            notification.earlier_notify_ids = [*notification.earlier_notify_ids, notify_id]
            notification.notify_id = ""
            notification.resends += 1
            notification.status = NotificationStatus.QUEUED
            notification.status_at = now
            notification.next_attempt_at = now + datetime.timedelta(hours=notification.resends)
            notification.last_error = f"Notify: {status}; sent again later"
            notification.save()
            return notification
        notification.status = new_status
        notification.status_at = now
        notification.save(update_fields=["status", "status_at"])
        _finished(notification)
        return notification


def check_statuses(*, now=None, limit=BATCH):
    """Ask Notify about messages sent over an hour ago with no receipt yet (a callback lost, or
    none set up); how many reached a final state."""
    if not has_key():
        return 0
    from notifications_python_client.errors import APIError

    now = now or timezone.now()
    overdue = now - RECEIPT_OVERDUE
    waiting = (
        OutboxNotification.objects.filter(status=NotificationStatus.SENDING, sent_at__lte=overdue)
        .exclude(checked_at__gt=overdue)
        .order_by("sent_at")[:limit]
    )
    api = client()
    done = 0
    for notification in waiting:
        try:
            answer = api.get_notification_by_id(notification.notify_id)
        except (APIError, OSError):
            log.warning("notify: status of message %s unknown for now", notification.pk)
            break
        OutboxNotification.objects.filter(pk=notification.pk).update(checked_at=now)
        row = record_receipt(
            notify_id=notification.notify_id,
            status=answer.get("status", ""),
            reference=notification.reference,
        )
        if row is not None and row.status in FINAL_NOTIFICATION_STATUSES:
            done += 1
    return done
