"""Every email the site sends goes through this outbox, so none is lost when Redis, a worker or
the mail server is down.

``enqueue`` writes the email as a row in the caller's transaction: if the change it tells
people about is rolled back, so is the email. After commit, a relay task is published to Celery
with a short retry policy, so a page never hangs on a dead broker; if publishing fails, the
sweep (``cc4c.tasks.relay_unsent``, every minute) sends the email instead.

``relay`` claims each row with ``SELECT ... FOR UPDATE SKIP LOCKED``, sends it and marks it
sent in that transaction, so two relays at once never send the same email twice, and a relay
that dies mid-send (worker killed, database gone) leaves the row unsent for the next one. The
one gap no outbox can close: a relay dying after the mail server accepted the message and
before its commit reached the database repeats that one email.
"""

import datetime
import logging
import smtplib
from email.mime.text import MIMEText

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from cc4c import queueing
from cc4c.models import OutboxEmail

log = logging.getLogger(__name__)

BATCH = 200
WIPED = "(Removed once sent: it held a sign-in link.)"


def enqueue(*, kind, subject, body, to, from_email="", secret=False, attachments=()):
    """Store one email to send after the caller's transaction commits; None if nobody to tell.

    ``secret``: the body holds a sign-in link, so it is wiped once sent. ``attachments``: text
    files, each ``{"filename", "content_type", "params", "content"}`` (a calendar invitation is
    ``text/calendar`` with ``{"method": "REQUEST"}``)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    email = OutboxEmail.objects.create(
        kind=kind,
        subject=subject,
        body=body,
        to=recipients,
        from_email=from_email or "",
        secret=secret,
        attachments=list(attachments),
    )
    from cc4c.tasks import relay_emails

    queueing.after_commit(relay_emails, [email.pk])
    return email


def _mime_part(attachment):
    _main, sub = attachment["content_type"].split("/", 1)
    part = MIMEText(attachment["content"], sub, "utf-8")
    for name, value in (attachment.get("params") or {}).items():
        part.set_param(name, value)
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def _backoff(attempts):
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def relay(ids=None, *, now=None, limit=BATCH):
    """Send unsent emails (these ``ids``, or every one that is due), each once; how many went."""
    now = now or timezone.now()
    waiting = OutboxEmail.objects.filter(sent_at__isnull=True)
    if ids is not None:
        waiting = waiting.filter(pk__in=ids)
    else:
        waiting = waiting.filter(next_attempt_at__lte=now)
    pks = list(waiting.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    if not pks:
        return 0
    connection = get_connection()
    sent = 0
    try:
        for pk in pks:
            outcome = _send_one(pk, connection)
            if outcome == "sent":
                sent += 1
            elif outcome == "unreachable":
                break  # the mail server is down: leave the rest for the next sweep
    finally:
        try:
            connection.close()
        except Exception:  # closing a connection that already broke is not news
            log.debug("outbox: mail connection close failed", exc_info=True)
    return sent


def _send_one(pk, connection):
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return "skipped"  # sent already, or another relay holds it right now
        email.attempts += 1
        message = EmailMessage(
            email.subject, email.body, email.from_email or None, email.to, connection=connection
        )
        for attachment in email.attachments:
            message.attach(_mime_part(attachment))
        try:
            message.send()
        except Exception as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.next_attempt_at = timezone.now() + _backoff(email.attempts)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            log.warning("outbox: email %s not sent (%s); will retry", pk, email.last_error)
            answered = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)
            if isinstance(error, OSError) and not isinstance(error, answered):
                return "unreachable"
            return "failed"
        email.sent_at = timezone.now()
        email.last_error = ""
        if email.secret:
            email.body = WIPED
        email.save(update_fields=["attempts", "last_error", "sent_at", "body"])
    return "sent"
