"""Advice questions by email: who may send, what we keep, and the bounce when we refuse.

The receiver (advice/smtp.py) hands every message to ``accept``. A message is refused with an
SMTP code and a reason the sender's mail program shows them: 552 when too large, 550 when the
address is not a hub's advice line or the sender (the From address) is not a GP or
paediatrician of that hub, 554 when it cannot be read as a question (no sender, no text, an
attachment that is not an image or PDF). An accepted message is committed to the database as
received *before* the receiver answers 250, so a crash afterwards loses nothing: it stays as
an ``InboundEmail`` (status stored/failed) for a coordinator to see in the admin site.
"""

import html
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr

from django.conf import settings

from advice import attachments, services
from advice.models import InboundEmail, InboundStatus
from hubs.access import people_in
from hubs.models import Hub

log = logging.getLogger(__name__)

# Control characters (NUL and the like) can be neither stored nor shown; tabs and line breaks stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refused(Exception):
    def __init__(self, code, reason):
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason

    @property
    def reply(self):
        return f"{self.code} {self.reason}"


@dataclass
class ParsedQuestion:
    sender: str
    text: str
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


def _plain(part):
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"[ \t]+\n", "\n", text).strip()


def parse(raw):
    """Read a raw message into sender, question text and checked attachments, or Refused(554)."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        from_header = message.get("from")
        sender = parseaddr(str(from_header or ""))[1]
        if not from_header or "@" not in sender or CONTROL.search(sender):
            raise Refused(554, "5.6.0 The message has no readable From address.")
        subject = str(message.get("subject") or "").strip()
        body = message.get_body(preferencelist=("plain", "html"))
        text = _plain(body) if body is not None else ""
        files = []
        for part in message.iter_attachments():
            data = part.get_payload(decode=True)
            if not data:
                continue
            name = part.get_filename() or "attachment"
            try:
                attachments.check(name, data)
            except attachments.AttachmentRefused as exc:
                raise Refused(554, f"5.6.0 Attachment refused: {exc}") from exc
            files.append((name, data))
    except Refused:
        raise
    except Exception as exc:  # the parser met something it could not read
        raise Refused(554, "5.6.0 The message could not be read.") from exc
    question = CONTROL.sub("", "\n\n".join(p for p in (subject, text) if p)).strip()
    if not question:
        raise Refused(554, "5.6.0 The message has no subject or text: write the question.")
    return ParsedQuestion(sender=sender.lower(), text=question, files=files)


def accept(*, raw, mail_from, rcpt_to):
    """Check, store, then make a request of one message; returns the stored InboundEmail."""
    if len(raw) > max_bytes():
        raise Refused(552, f"5.3.4 The message is larger than {max_bytes() // 1048576} MB.")
    hub = hub_for_address(rcpt_to)
    if hub is None:
        raise Refused(550, "5.1.1 There is no advice line at this address.")
    parsed = parse(raw)
    sender = sender_for(hub, parsed.sender)
    if sender is None:
        raise Refused(
            550,
            f"5.7.1 {parsed.sender} is not a GP or paediatrician of {hub.name}; "
            "ask the hub coordinator to add you, or use the advice line web form.",
        )
    # Committed on its own, before anything else can fail: this is what we answered 250 for.
    inbound = InboundEmail.objects.create(
        hub=hub,
        mail_from=CONTROL.sub("", mail_from or "")[:320],
        rcpt_to=rcpt_to[:320],
        raw=bytes(raw),
    )
    try:
        advice_request = services.receive_email(
            hub=hub,
            sender=sender,
            question=parsed.text,
            files=parsed.files,
            received_at=inbound.received_at,
        )
    except Exception as exc:
        log.exception("stored advice email %s could not be made into a request", inbound.pk)
        inbound.status = InboundStatus.FAILED
        inbound.error = str(exc)[:2000]
        inbound.save(update_fields=["status", "error"])
        return inbound
    inbound.status = InboundStatus.PROCESSED
    inbound.advice_request = advice_request
    inbound.save(update_fields=["status", "advice_request"])
    return inbound
