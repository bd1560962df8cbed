"""Sending letters to GP practices, each once, whatever is down.

A letter is written as a row in the transaction that finished its outcome (``letters.services
.queue``). After commit a relay task is published; if that fails, the sweep
(``letters.tasks.relay_unsent``, every minute) sends it. ``relay`` claims each row with
``SELECT ... FOR UPDATE SKIP LOCKED``, renders its PDF once (kept, so every attempt sends the
same document), sends it and marks it sent in that transaction: two relays at once never send
one letter twice.

The route is decided at each attempt from the practice as it is then: its MESH mailbox (a GP
Connect Send Document message, ``letters.senddocument``, over ``letters.mesh``) when it has one
and MESH is set up, else its secure email address (the PDF attached). With neither, the letter
fails at once with a message saying what to add.

MESH down or answering "not now" (no connection, 5xx, 429, a refused sign-in): the letter stays
queued and is tried again after a growing pause (1, 2, 4 ... up to 60 minutes), and after
``MAX_ATTEMPTS`` it fails. MESH refusing the message itself (an unknown mailbox, a bad request)
fails it at once. A failed letter waits on the coordinator's list (letters:not_sent) until
someone sends it again.

The gap of every outbox, closed for MESH: a relay dying after MESH took the message and before
its commit leaves the row queued; before sending, the relay asks MESH for a message of ours with
the letter's local id, and records that one instead of sending again. The secure email route has
no such question to ask: a relay cut off at that moment repeats that one email.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from letters import documents, mesh, senddocument
from letters.models import Letter, Route, Status

log = logging.getLogger(__name__)

BATCH = 100
MAX_ATTEMPTS = 8
# Sent letters whose acknowledgement is still looked for, and how often.
ACK_WINDOW = datetime.timedelta(days=30)
ACK_EVERY = datetime.timedelta(minutes=15)


class NoRoute(Exception):
    """The practice has nowhere the letter can go."""


class Unavailable(Exception):
    """The route is down for now: try this letter, and the others by it, later."""


class Refused(Exception):
    """The route refused this letter for good."""


def backoff(attempts):
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def route_of(letter):
    """(route, recipient) the letter goes by now, or NoRoute saying what is missing."""
    practice = letter.practice
    if practice.mesh_mailbox and mesh.configured():
        return Route.MESH, practice.mesh_mailbox
    if practice.secure_email:
        return Route.EMAIL, practice.secure_email
    if practice.mesh_mailbox:
        raise NoRoute(
            f"{practice.name} has a MESH mailbox but MESH is not set up on this service "
            "(MESH_URL, MESH_MAILBOX), and the practice has no secure email address."
        )
    raise NoRoute(
        f"{practice.name} has no MESH mailbox and no secure email address: add one to the "
        "practice in the admin site, then send the letter again."
    )


def relay(ids=None, *, now=None, limit=BATCH):
    """Send queued letters (these ``ids``, or every one that is due), each once; how many went."""
    now = now or timezone.now()
    waiting = Letter.objects.filter(status=Status.QUEUED)
    if ids is not None:
        waiting = waiting.filter(pk__in=ids)
    else:
        waiting = waiting.filter(next_attempt_at__lte=now)
    pks = list(waiting.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    down = set()
    sent = 0
    for pk in pks:
        if _send_one(pk, down) == "sent":
            sent += 1
    return sent


def _send_one(pk, down):
    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("practice", "replaces")
            .filter(pk=pk, status=Status.QUEUED)
            .first()
        )
        if letter is None:
            return "skipped"  # sent already, or another relay holds it right now
        try:
            route, recipient = route_of(letter)
        except NoRoute as problem:
            _fail(letter, str(problem))
            return "failed"
        if route in down:
            return "skipped"  # its route just failed for another letter: the next sweep
        letter.attempts += 1
        if letter.pdf is None:
            letter.pdf = documents.pdf(letter.html)
        try:
            if route == Route.MESH:
                letter.mesh_message_id = _by_mesh(letter, recipient)
            else:
                _by_email(letter, recipient)
        except Refused as error:
            letter.route, letter.recipient = route, recipient
            _fail(letter, str(error))
            return "failed"
        except Unavailable as error:
            down.add(route)
            letter.route, letter.recipient = route, recipient
            _retry(letter, str(error))
            return "unavailable"
        letter.status = Status.SENT
        letter.route, letter.recipient = route, recipient
        letter.sent_at = timezone.now()
        letter.last_error = ""
        letter.save()
    log.info("letters: %s sent by %s to %s", letter.reference, route, recipient)
    return "sent"


def _retry(letter, error):
    letter.last_error = error[:2000]
    if letter.attempts >= MAX_ATTEMPTS:
        _fail(letter, f"Not sent after {letter.attempts} attempts. The last: {error}"[:2000])
        return
    letter.next_attempt_at = timezone.now() + backoff(letter.attempts)
    letter.save()
    log.warning("letters: %s not sent (%s); will retry", letter.reference, letter.last_error)


def _fail(letter, reason):
    letter.status = Status.FAILED
    letter.failed_at = timezone.now()
    letter.last_error = reason[:2000]
    letter.save()
    log.warning("letters: %s not sent: %s", letter.reference, reason)


def _by_mesh(letter, mailbox):
    import json

    message = senddocument.build(
        letter, sender_mailbox=settings.MESH_MAILBOX, now=timezone.localtime()
    )
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    try:
        return mesh.send(
            recipient=mailbox,
            body=body,
            local_id=str(letter.local_id),
            subject=email_subject(letter),
            filename=f"{letter.local_id}.json",
        )
    except mesh.MeshRefused as error:
        raise Refused(str(error)) from error
    except mesh.MeshUnavailable as error:
        raise Unavailable(f"MESH: {error}") from error


def email_subject(letter):
    """What the subject line says: the hub, the kind, the reference; nothing about the child."""
    return f"{letter.hub.name}: {letter.get_kind_display()} {letter.reference}"


def email_body(letter):
    version = (
        f", version {letter.version} (it replaces the earlier one)" if letter.version > 1 else ""
    )
    return (
        f"Please find attached a letter from {letter.hub.name}, a Connecting Care for Children "
        f"child health hub, for the GP record of a child registered at {letter.practice.name}.\n\n"
        f"It is a {letter.get_kind_display().lower()}, reference {letter.reference}{version}. "
        "The letter gives the child's NHS number, name and date of birth to file it by.\n\n"
        "This email was sent to the practice's secure address because the practice has no MESH "
        "mailbox recorded with the hub.\n"
    )


def _connection():
    config = settings.SECURE_EMAIL_CONFIG
    if not config:
        return get_connection(timeout=settings.EMAIL_TIMEOUT)
    return get_connection(
        backend=config.get("EMAIL_BACKEND"),
        host=config.get("EMAIL_HOST"),
        port=config.get("EMAIL_PORT"),
        username=config.get("EMAIL_HOST_USER"),
        password=config.get("EMAIL_HOST_PASSWORD"),
        use_tls=bool(config.get("EMAIL_USE_TLS")),
        use_ssl=bool(config.get("EMAIL_USE_SSL")),
        timeout=settings.EMAIL_TIMEOUT,
    )


def _by_email(letter, address):
    message = EmailMessage(
        email_subject(letter),
        email_body(letter),
        settings.LETTERS_FROM_EMAIL,
        [address],
        connection=_connection(),
    )
    message.attach(f"letter-{letter.reference}.pdf", bytes(letter.pdf), "application/pdf")
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        raise Refused(f"The mail server refused the address {address}: {error}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise Unavailable(f"Secure email: {type(error).__name__}: {error}") from error


def check_acknowledgements(*, now=None, limit=BATCH):
    """Ask MESH about letters sent in the last 30 days and not yet acknowledged (each at most
    every 15 minutes): acknowledged means the practice's system took it from its mailbox."""
    now = now or timezone.now()
    if not mesh.configured():
        return 0
    due = Letter.objects.filter(
        status=Status.SENT, route=Route.MESH, sent_at__gte=now - ACK_WINDOW
    ).exclude(checked_at__gt=now - ACK_EVERY)
    acknowledged = 0
    for letter in due.order_by("checked_at", "id")[:limit]:
        try:
            status = mesh.delivery_status(letter.mesh_message_id)
        except (mesh.MeshUnavailable, mesh.MeshRefused) as error:
            log.warning("letters: cannot track %s (%s)", letter.reference, error)
            break
        changes = {"checked_at": now}
        if status == "acknowledged":
            changes.update(status=Status.ACKNOWLEDGED, acknowledged_at=now)
            acknowledged += 1
        elif status in ("undeliverable", "error"):
            changes.update(
                status=Status.FAILED,
                failed_at=now,
                last_error=f"MESH could not deliver it to {letter.recipient} ({status}).",
            )
        Letter.objects.filter(pk=letter.pk, status=Status.SENT).update(**changes)
    return acknowledged
