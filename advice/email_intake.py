"""Advice questions by email: who may send, what we keep, and the bounce when we refuse.

The receiver (advice/smtp.py) hands every message to ``accept``. A message is refused with an
SMTP code and a reason the sender's mail program shows them: 552 when too large, 550 when the
address is not a hub's advice line, the sender is not a GP or paediatrician of that hub, or
the message's origin is not proven and the hub refuses such mail; 554 when it cannot be read as
a question (no sender, no text, an attachment we cannot keep, a message encrypted for someone).

Every message to a hub's address is kept as an ``InboundEmail``, refused ones too (with the
reason), for the hub's coordinator to read in the admin site. An accepted message is committed
*before* the receiver answers 250, so a crash afterwards loses nothing; it is then made into a
request in one transaction with its row locked (``process``), so it becomes one request however
often that runs. The same message delivered again (the sender's server retrying because our
250 never reached it) is found by its Message-ID or its content and answered 250 without a
second copy. A stored message not yet made into a request (the receiver died in between, the
database refused) is processed by the sweep (``sweep``, every minute).

Where the message comes from is proven (advice/mail_origin.py) or the hub's policy
``ADVICE_EMAIL_UNPROVEN`` decides: ``refuse``, or ``confirm``: hold it and email the GP's
registered address a one-use link; it is filed as theirs only once they confirm it.
"""

import datetime
import hashlib
import html
import logging
import re
import secrets
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from advice import attachments, mail_origin, mail_throttle, services
from advice.errors import Refused
from advice.models import InboundEmail, InboundStatus
from cc4c import outbox
from hubs.access import people_in
from hubs.models import Hub

log = logging.getLogger(__name__)

# Control characters (NUL and the like) can be neither stored nor shown; tabs and line breaks stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Parts that carry a message's signature, not its content.
SIGNATURES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
}
ENCRYPTED = {"application/pkcs7-mime", "application/x-pkcs7-mime", "application/pgp-encrypted"}
# Headers a relay adds on the way: not part of what the sender sent.
TRACE = {"received", "return-path", "delivered-to", "x-original-to", "authentication-results"}
# A stored message the receiver did not make into a request within this long is the sweep's.
SWEEP_AFTER = datetime.timedelta(minutes=2)
RETRIES = 8


@dataclass
class ParsedQuestion:
    sender: str
    text: str
    subject: str = ""
    files: list = field(default_factory=list)


def max_bytes():
    return settings.ADVICE_EMAIL_MAX_BYTES


def hub_for_address(address):
    address = (address or "").strip()
    if not address:
        return None
    return Hub.objects.filter(advice_email__iexact=address).first()


def sender_for(hub, address):
    """The active person with this email who is a GP or paediatrician of the hub, if any."""
    return people_in(hub, "advice.ask").filter(email__iexact=address).first()


def _read(raw):
    return BytesParser(policy=policy.default).parsebytes(raw)


def _from_address(message):
    from_header = message.get("from")
    sender = parseaddr(str(from_header or ""))[1]
    if not from_header or "@" not in sender or CONTROL.search(sender):
        raise Refused(554, "5.6.0 The message has no readable From address.")
    return sender.lower()


def _message_id(message):
    return CONTROL.sub("", str(message.get("message-id") or "")).strip()[:255]


def content_hash(raw):
    """What the sender sent, without the headers relays add on the way: the same message
    delivered twice, by one route or two, has one hash."""
    head, _sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    kept, skip = [], False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skip:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        skip = name in TRACE
        if not skip:
            kept.append(line)
    return hashlib.sha256(b"\n".join(kept) + b"\n\n" + body).hexdigest()


def _plain(part):
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"[ \t]+\n", "\n", text).strip()


def _is_attachment(part):
    return part.get_content_disposition() == "attachment" or (
        part.get_filename() is not None and part.get_content_maintype() != "text"
    )


def _walk(part, texts, files):
    """Collect a message's text, in order, and its files: Apple Mail's text, photo, text;
    a signed message's content without its signature; the plain part of an alternative."""
    content_type = part.get_content_type()
    if part.is_multipart():
        if content_type == "multipart/alternative":
            choices = part.get_payload()
            chosen = next(
                (p for p in choices if p.get_content_type() == "text/plain"), None
            ) or next((p for p in reversed(choices) if p.is_multipart()), None)
            if chosen is None and choices:
                chosen = choices[0]
            if chosen is not None:
                _walk(chosen, texts, files)
            return
        for sub in part.get_payload():
            _walk(sub, texts, files)
        return
    if content_type in SIGNATURES:
        return
    if content_type in ENCRYPTED:
        raise Refused(
            554,
            "5.6.0 The message is encrypted or signed in a way that hides its text; "
            "send it unencrypted (a signature beside the text is fine).",
        )
    if content_type in ("text/plain", "text/html") and not _is_attachment(part):
        text = _plain(part)
        if text:
            texts.append(text)
        return
    data = part.get_payload(decode=True)
    if not data:
        return
    name = part.get_filename() or "attachment"
    try:
        attachments.prepare(name, data, content_type)
    except attachments.AttachmentRefused as exc:
        raise Refused(554, f"5.6.0 Attachment refused: {exc}") from exc
    files.append((name, data, content_type))


def parse(raw):
    """Read a raw message into sender, question text and prepared attachments, or Refused(554).

    Files are (name, bytes, declared content type), each checked (advice.attachments)."""
    try:
        message = _read(raw)
        sender = _from_address(message)
        subject = CONTROL.sub("", str(message.get("subject") or "")).strip()
        texts, files = [], []
        _walk(message, texts, files)
    except Refused:
        raise
    except Exception as exc:  # the parser met something it could not read
        raise Refused(554, "5.6.0 The message could not be read.") from exc
    question = CONTROL.sub("", "\n\n".join(p for p in (subject, *texts) if p)).strip()
    if not question:
        raise Refused(554, "5.6.0 The message has no subject or text: write the question.")
    return ParsedQuestion(sender=sender, text=question, subject=subject[:255], files=files)


def _earlier(hub, message_id, digest):
    """The message kept before that this one is a second delivery of, if any."""
    same = Q(content_hash=digest)
    if message_id:
        same |= Q(message_id=message_id)
    return (
        InboundEmail.objects.filter(hub=hub)
        .filter(same)
        .exclude(status=InboundStatus.REFUSED)
        .order_by("received_at")
        .first()
    )


def _keep(refusal=None, **fields):
    """Commit the message as received (refused with ``refusal``'s reason, or to process)."""
    if refusal is not None:
        fields.update(status=InboundStatus.REFUSED, reason=refusal.reply[:2000])
    try:
        with transaction.atomic():
            return InboundEmail.objects.create(**fields)
    except IntegrityError:
        # The same message is being delivered on another connection at this moment.
        return _earlier(fields["hub"], fields.get("message_id", ""), fields["content_hash"])


def _refuse(refusal, **fields):
    _keep(refusal, **fields)
    raise refusal


def accept(*, raw, mail_from, rcpt_to, peer=None):
    """Check, keep, then make a request of one message; returns its InboundEmail."""
    if len(raw) > max_bytes():
        raise Refused(552, f"5.3.4 The message is larger than {max_bytes() // 1048576} MB.")
    hub = hub_for_address(rcpt_to)
    if hub is None:
        raise Refused(550, "5.1.1 There is no advice line at this address.")
    raw = bytes(raw)
    digest = content_hash(raw)
    try:
        message = _read(raw)
        message_id = _message_id(message)
    except Exception as exc:
        raise Refused(554, "5.6.0 The message could not be read.") from exc
    earlier = _earlier(hub, message_id, digest)
    if earlier is not None:
        # A second delivery: the first one is kept, and made into its request once.
        if earlier.status == InboundStatus.STORED:
            process(earlier.pk)
        return earlier
    peer_host = mail_throttle.host_of(peer)
    fields = {
        "hub": hub,
        "mail_from": CONTROL.sub("", mail_from or "")[:320],
        "rcpt_to": rcpt_to[:320],
        "raw": raw,
        "peer": peer_host[:100],
        "message_id": message_id,
        "content_hash": digest,
    }
    try:
        parsed = parse(raw)
    except Refused as refused:
        _refuse(refused, **fields)
    fields.update(sender=parsed.sender[:320], subject=parsed.subject)
    proof = mail_origin.prove(raw, message, parsed.sender, peer)
    mail_throttle.check_sender(proof.address if proof else parsed.sender)
    person = sender_for(hub, parsed.sender)
    if person is None:
        _refuse(
            Refused(
                550,
                f"5.7.1 {parsed.sender} is not a GP or paediatrician of {hub.name}; "
                "ask the hub coordinator to add you, or use the advice line web form.",
            ),
            **fields,
        )
    if proof is None:
        if settings.ADVICE_EMAIL_UNPROVEN != "confirm":
            _refuse(Refused(550, UNPROVEN), **fields)
        return _hold(person, **fields)
    inbound = _keep(proof=proof.how[:120], person=person, **fields)
    process(inbound.pk)
    inbound.refresh_from_db()
    return inbound


UNPROVEN = (
    "5.7.1 The message could not be proven to come from its From address (no valid DKIM "
    "signature of its domain, and not through the hub's mail relay); "
    "use the advice line web form."
)


def _hold(person, **fields):
    """Keep an unproven message for ``person`` to confirm through a one-use link."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        inbound = _keep(
            status=InboundStatus.HELD,
            held_for=person,
            confirm_digest=_digest(token),
            confirm_by=timezone.now()
            + datetime.timedelta(hours=settings.ADVICE_EMAIL_CONFIRM_HOURS),
            **fields,
        )
        if inbound.held_for_id == person.pk and inbound.status == InboundStatus.HELD:
            link = settings.SITE_URL + reverse("advice:email_confirm", args=[token])
            outbox.enqueue(
                to=[person.email],
                subject=f"Confirm your question to {fields['hub'].name}'s advice line",
                body=(
                    f"{fields['hub'].name}'s advice line received an email in your name that it "
                    "could not prove came from you. If you sent it, confirm it here (sign in "
                    f"first) within {settings.ADVICE_EMAIL_CONFIRM_HOURS} hours:\n\n{link}\n\n"
                    "If you did not send it, do nothing: it will not be filed as yours, and you "
                    "may tell the hub coordinator."
                ),
                kind="advice.email_confirm",
                secret=True,
            )
    return inbound


def _digest(token):
    return hashlib.sha256(str(token).encode()).hexdigest()


def held_for(token, person):
    """The message held for ``person`` to confirm with ``token``, while it may be, or None."""
    return InboundEmail.objects.filter(
        confirm_digest=_digest(token),
        status=InboundStatus.HELD,
        held_for=person,
        confirm_by__gte=timezone.now(),
    ).first()


def confirm(*, token, by):
    """The GP confirms a held message is theirs: it becomes their request. Returns the
    InboundEmail, or None when the link is unknown, used, out of date or not theirs."""
    with transaction.atomic():
        inbound = (
            InboundEmail.objects.select_for_update()
            .filter(confirm_digest=_digest(token), status=InboundStatus.HELD, held_for=by)
            .first()
        )
        if inbound is None or inbound.confirm_by < timezone.now():
            return None
        inbound.status = InboundStatus.STORED
        inbound.person = by
        inbound.proof = "confirmed by the sender"
        inbound.confirm_digest = ""
        inbound.save(update_fields=["status", "person", "proof", "confirm_digest"])
    process(inbound.pk)
    inbound.refresh_from_db()
    return inbound


def summary(inbound):
    """The question and the names of the files of a kept message, to show it."""
    try:
        parsed = parse(bytes(inbound.raw))
    except Refused:
        return None
    return {"text": parsed.text, "files": [name for name, *_rest in parsed.files]}


def process(pk):
    """Make the stored message ``pk`` into its request, once: the row is locked and its
    status moved in the transaction that makes the request. Returns the request or None."""
    try:
        with transaction.atomic():
            inbound = (
                InboundEmail.objects.select_for_update(of=("self",))
                .select_related("hub", "person")
                .filter(pk=pk, status__in=(InboundStatus.STORED, InboundStatus.FAILED))
                .first()
            )
            if inbound is None or inbound.person is None:
                return None
            parsed = parse(bytes(inbound.raw))
            advice_request = services.receive_email(
                hub=inbound.hub,
                sender=inbound.person,
                question=parsed.text,
                files=parsed.files,
                received_at=inbound.received_at,
            )
            inbound.status = InboundStatus.PROCESSED
            inbound.advice_request = advice_request
            inbound.error = ""
            inbound.save(update_fields=["status", "advice_request", "error"])
            return advice_request
    except Exception as exc:
        log.exception("stored advice email %s could not be made into a request", pk)
        attempts = InboundEmail.objects.get(pk=pk).attempts + 1
        InboundEmail.objects.filter(pk=pk).update(
            status=InboundStatus.FAILED,
            error=str(exc)[:2000],
            attempts=attempts,
            next_attempt_at=timezone.now() + datetime.timedelta(minutes=2**attempts),
        )
        return None


def sweep(now=None):
    """Every minute: make every stored message the receiver left into its request, and try
    again those that failed (backing off); how many became requests."""
    now = now or timezone.now()
    due = InboundEmail.objects.filter(
        Q(status=InboundStatus.STORED, received_at__lt=now - SWEEP_AFTER, person__isnull=False)
        | Q(status=InboundStatus.FAILED, next_attempt_at__lte=now, attempts__lt=RETRIES)
    ).values_list("pk", flat=True)
    return sum(process(pk) is not None for pk in list(due[:200]))
