"""Writing letters to the outbox, and sending a failed one again. Keyword-only, the acting
person as ``by``; a letter is written in the caller's transaction and relayed after commit."""

from django.db import transaction
from django.utils import timezone

from cc4c import queueing
from cc4c.errors import ServiceError
from hubs.access import require
from letters import documents
from letters.models import Letter, Status

SENT_STATUSES = (Status.SENT, Status.ACKNOWLEDGED)


class LetterError(ServiceError):
    """A refusal with a message for the coordinator."""


def source_type(source):
    return source._meta.label_lower


def queue(*, page, kind, source):
    """Write the letter of ``page`` about ``source`` (a case, an appointment, a reply) to the
    outbox, in the caller's transaction; sent once that commits (letters/relay.py).

    A second letter about the same source is its next version: it names the last version that
    was sent as the one it replaces, and an earlier version still waiting is withdrawn."""
    from letters.tasks import relay_letters

    earlier = list(
        Letter.objects.about(source_type(source), source.pk)
        .filter(kind=kind)
        .select_for_update()
        .order_by("-version")
    )
    sent = next((e for e in earlier if e.status in SENT_STATUSES), None)
    letter = Letter(
        hub=page.hub,
        practice=page.practice,
        child=page.child,
        kind=kind,
        source_type=source_type(source),
        source_id=source.pk,
        title=page.title,
        version=earlier[0].version + 1 if earlier else 1,
        replaces=sent,
        author=page.author,
    )
    page.reference, page.version = letter.reference, letter.version
    letter.parties = page.parties()
    letter.html = documents.html([page])
    letter.save()
    Letter.objects.filter(
        pk__in=[e.pk for e in earlier], status__in=(Status.QUEUED, Status.FAILED)
    ).update(status=Status.WITHDRAWN)
    queueing.after_commit(relay_letters, [letter.pk])
    return letter


def send_again(*, letter, by):
    """Queue a failed letter again, once: a second press finds it queued and is refused."""
    require(by, "letters.manage", letter.hub_id, "Only the hub's coordinators send letters again.")
    from letters.tasks import relay_letters

    with transaction.atomic():
        again = Letter.objects.filter(pk=letter.pk, status=Status.FAILED).update(
            status=Status.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            failed_at=None,
        )
        if not again:
            letter.refresh_from_db()
            raise LetterError(f"Letter {letter.reference} is not waiting: {letter.state_text}.")
        queueing.after_commit(relay_letters, [letter.pk])
    letter.refresh_from_db()
    return letter
