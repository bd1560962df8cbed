"""Reading what a practice received: the Send Document message, its bundle and its PDF."""

import io

from pypdf import PdfReader

from letters import senddocument
from letters.models import Letter, Status
from letters.relay import relay


def relay_waiting():
    """Send every queued letter, as the on-commit relay tasks would; how many went."""
    return relay(list(Letter.objects.filter(status=Status.QUEUED).values_list("pk", flat=True)))


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(data))).pages)


def received(sandbox, mailbox):
    """[(MESH headers, checked bundle, PDF text)] of every message in ``mailbox``'s inbox."""
    found = []
    for message_id in sandbox.inbox(mailbox):
        headers, body = sandbox.read(mailbox, message_id)
        bundle = senddocument.parse(body)
        found.append((headers, bundle, pdf_text(senddocument.pdf_of(bundle))))
    return found
