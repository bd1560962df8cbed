"""Every change on the advice line: asking, claiming, answering, pausing, outcomes.

Each service takes keyword arguments with the acting person as ``by``, runs in one
transaction, sends its emails after commit, and refuses with ``AdviceError`` (a readable
message) when the action is not allowed.
"""

import datetime
from collections.abc import Callable, Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from advice import attachments, clock, letters, signals
from advice.models import (
    FOLLOW_UP_STATUSES,
    AdviceLineSettings,
    AdviceRequest,
    Attachment,
    Channel,
    Outcome,
    Reply,
    ReplyKind,
    RotaEntry,
    Status,
    new_reference,
)
from advice.notify import send
from cc4c import submissions
from cc4c.errors import ServiceError
from clinics import services as clinic_services
from clinics.models import Referral
from hubs.access import can, people_in, require
from hubs.models import Hub, Membership, Person, Practice
from mdt import services as mdt_services
from mdt.models import CaseDiscussion
from population.models import Child


class AdviceError(ServiceError):
    """An advice line action was refused; the message says why."""


def _on_commit_send(kind: str, advice_request: AdviceRequest, recipients: Iterable[str]) -> None:
    # The outbox row is written in this transaction; the email itself goes after commit.
    send(kind, advice_request, list(recipients))


def _practice_of(person: Person, hub: Hub) -> Practice | None:
    membership = (
        Membership.objects.active()
        .filter(person=person, hub=hub, practice__isnull=False)
        .select_related("practice")
        .first()
    )
    return membership.practice if membership else None


def hub_paediatricians(hub: Hub, day: datetime.date | None = None) -> list[Person]:
    return list(people_in(hub, "advice.answer", on=day))


def covering_paediatricians(hub: Hub, day: datetime.date | None = None) -> list[Person]:
    """Who covers the line today: the rota's paediatrician, else all the hub's paediatricians."""
    day = day or timezone.localdate()
    entry = RotaEntry.objects.filter(hub=hub, date=day).select_related("paediatrician").first()
    if entry is not None and entry.paediatrician.is_active:
        return [entry.paediatrician]
    return hub_paediatricians(hub, day)


def _save_files(advice_request: AdviceRequest, files: Iterable[tuple], by: Person) -> None:
    """Store (name, bytes) or (name, bytes, declared type) files, each checked and prepared
    (advice.attachments.prepare: a HEIC photo kept as a JPEG); raises AdviceError naming the
    refused file. A file written here by a transaction that then fails is removed by the
    orphan sweep (advice.attachments.remove_orphans)."""
    for name, data, *declared in files:
        try:
            clean_name, content_type, data = attachments.prepare(name, data, *declared)
        except attachments.AttachmentRefused as exc:
            raise AdviceError(str(exc)) from exc
        attachment = Attachment(
            request=advice_request,
            original_name=clean_name,
            content_type=content_type,
            size=len(data),
            uploaded_by=by,
        )
        attachment.file.save(clean_name, ContentFile(data), save=False)
        attachment.save()


def _create(
    *,
    hub: Hub,
    channel: str,
    asked_by: Person | None,
    practice: Practice | None,
    child: Child | None,
    question: str,
    request_type: str,
    urgency: str,
    received_at: datetime.datetime | None,
    files: Iterable[tuple],
    by: Person,
) -> AdviceRequest:
    if child is not None and child.practice.hub_id != hub.pk:
        raise AdviceError("Choose a child registered at one of this hub's practices.")
    if not question.strip():
        raise AdviceError("Write the question.")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                advice_request = AdviceRequest.objects.create(
                    hub=hub,
                    reference=new_reference(channel),
                    received_at=received_at or timezone.now(),
                    channel=channel,
                    asked_by=asked_by,
                    practice=practice,
                    child=child,
                    question=question.strip(),
                    request_type=request_type,
                    urgency=urgency,
                )
                break
        except IntegrityError:  # a reference already used in this hub: draw another
            continue
    else:
        raise AdviceError("Could not give the request a reference; please try again.")
    _save_files(advice_request, files, by)
    _on_commit_send("new_request", advice_request, [p.email for p in covering_paediatricians(hub)])
    return advice_request


@transaction.atomic
def ask(
    *,
    hub: Hub,
    question: str,
    request_type: str,
    urgency: str,
    child: Child | None = None,
    files: Iterable[tuple[str, bytes]] = (),
    submission: str | None = None,
    by: Person,
) -> AdviceRequest:
    """A GP's question through the web form; the covering paediatrician is told by email.
    The same form (``submission``, its one-use token) sent twice makes one request."""
    submissions.claim(submission, by=by)
    require(by, "advice.ask", hub, "You cannot ask this hub's advice line.")
    advice_request = _create(
        hub=hub,
        channel=Channel.WEB,
        asked_by=by,
        practice=_practice_of(by, hub),
        child=child,
        question=question,
        request_type=request_type,
        urgency=urgency,
        received_at=None,
        files=files,
        by=by,
    )
    submissions.done(submission, advice_request)
    return advice_request


@transaction.atomic
def log_phone_request(
    *,
    hub: Hub,
    question: str,
    request_type: str,
    urgency: str,
    received_at: datetime.datetime,
    asked_by: Person | None = None,
    practice: Practice | None = None,
    child: Child | None = None,
    submission: str | None = None,
    by: Person,
) -> AdviceRequest:
    """A paediatrician records a question they took by phone, with the time of the call."""
    submissions.claim(submission, by=by)
    require(by, "advice.answer", hub, "Only the hub's paediatricians log phone requests.")
    if received_at > timezone.now():
        raise AdviceError("The time of the call cannot be in the future.")
    if practice is not None and practice.hub_id != hub.pk:
        raise AdviceError("Choose one of this hub's practices.")
    advice_request = _create(
        hub=hub,
        channel=Channel.PHONE,
        asked_by=asked_by,
        practice=practice or (child.practice if child else None),
        child=child,
        question=question,
        request_type=request_type,
        urgency=urgency,
        received_at=received_at,
        files=(),
        by=by,
    )
    submissions.done(submission, advice_request)
    return advice_request


@transaction.atomic
def receive_email(
    *,
    hub: Hub,
    sender: Person,
    question: str,
    files: Iterable[tuple],
    received_at: datetime.datetime,
) -> AdviceRequest:
    """A question that arrived at the hub's advice address from a known GP or paediatrician."""
    return _create(
        hub=hub,
        channel=Channel.EMAIL,
        asked_by=sender,
        practice=_practice_of(sender, hub),
        child=None,
        question=question,
        request_type="other",
        urgency="routine",
        received_at=received_at,
        files=files,
        by=sender,
    )


def _locked(advice_request: AdviceRequest) -> AdviceRequest:
    return AdviceRequest.objects.select_for_update().select_related("hub").get(pk=advice_request.pk)


@transaction.atomic
def claim(*, advice_request: AdviceRequest, by: Person) -> AdviceRequest:
    """Take a request to answer; of two people claiming at once exactly one succeeds."""
    require(by, "advice.answer", advice_request.hub, "Only the hub's paediatricians answer.")
    # The row lock makes a second claimer wait, then see the first one's claim.
    locked = _locked(advice_request)
    claimer = locked.claimed_by
    if claimer is not None:
        who = "you" if claimer.pk == by.pk else claimer.display_name
        raise AdviceError(f"This request is already claimed by {who}.")
    if not locked.is_waiting:
        raise AdviceError("This request has already been answered.")
    locked.claimed_by = by
    locked.claimed_at = timezone.now()
    if locked.status == Status.OPEN:
        locked.status = Status.CLAIMED
    locked.save()
    return locked


def _resume_clock(locked: AdviceRequest, now: datetime.datetime) -> None:
    if locked.paused_since is not None:
        locked.paused_seconds += round(clock.request_elapsed(locked, locked.paused_since, now))
        locked.paused_since = None


@transaction.atomic
def answer(*, advice_request: AdviceRequest, text: str, by: Person) -> AdviceRequest:
    """A signed answer; the first one stops the response clock, a later one answers the GP's
    follow-up question. The GP gets a link by email."""
    require(by, "advice.answer", advice_request.hub, "Only the hub's paediatricians answer.")
    if not text.strip():
        raise AdviceError("Write the answer.")
    locked = _locked(advice_request)
    if locked.status == Status.CLOSED:
        raise AdviceError("This request is closed.")
    now = timezone.now()
    _resume_clock(locked, now)
    reply = Reply.objects.create(
        request=locked, author=by, kind=ReplyKind.ANSWER, text=text.strip(), created_at=now
    )
    first = locked.first_response_at is None
    if first:
        locked.first_response_at = now
    if locked.claimed_by_id is None:
        locked.claimed_by, locked.claimed_at = by, now
    locked.status = Status.ANSWERED
    locked.follow_up_since = None
    locked.save()
    if first and locked.child_id:
        signals.request_answered.send(AdviceRequest, advice_request=locked)
    letters.queue(reply)
    if locked.asked_by is not None:
        _on_commit_send("answered", locked, [locked.asked_by.email])
    return locked


@transaction.atomic
def ask_follow_up(*, advice_request: AdviceRequest, text: str, by: Person) -> AdviceRequest:
    """The GP who asked replies to the answer with a follow-up question on the same request:
    it goes back to the queue with its own due time, and whoever answered is told."""
    if by.pk != advice_request.asked_by_id:
        raise AdviceError("Only the person who asked can ask a follow-up question.")
    require(by, "advice.ask", advice_request.hub, "You cannot ask this hub's advice line.")
    if not text.strip():
        raise AdviceError("Write the follow-up question.")
    locked = _locked(advice_request)
    if locked.status not in FOLLOW_UP_STATUSES:
        raise AdviceError(
            "The paediatrician has not answered yet: add to the request once they reply."
        )
    now = timezone.now()
    Reply.objects.create(
        request=locked, author=by, kind=ReplyKind.FOLLOW_UP, text=text.strip(), created_at=now
    )
    locked.status = Status.FOLLOW_UP
    locked.follow_up_since = now
    locked.save()
    if locked.claimed_by is not None and locked.claimed_by.is_active:
        recipients = [locked.claimed_by.email]
    else:
        recipients = [p.email for p in covering_paediatricians(locked.hub)]
    _on_commit_send("follow_up", locked, recipients)
    return locked


@transaction.atomic
def ask_for_information(*, advice_request: AdviceRequest, text: str, by: Person) -> AdviceRequest:
    """Ask the GP for more; the clock pauses until they reply when the hub says so."""
    require(by, "advice.answer", advice_request.hub, "Only the hub's paediatricians answer.")
    if not text.strip():
        raise AdviceError("Say what information you need.")
    locked = _locked(advice_request)
    if not locked.is_waiting:
        raise AdviceError("This request has already been answered.")
    now = timezone.now()
    Reply.objects.create(
        request=locked, author=by, kind=ReplyKind.INFO_REQUEST, text=text.strip(), created_at=now
    )
    if locked.claimed_by_id is None:
        locked.claimed_by, locked.claimed_at = by, now
    locked.status = Status.AWAITING_INFO
    # Only the first answer's clock pauses: the measure is of the first answer, whose time a
    # question asked about a follow-up must not move.
    if (
        locked.paused_since is None
        and locked.first_response_at is None
        and AdviceLineSettings.for_hub(locked.hub).pause_clock_when_awaiting_info
    ):
        locked.paused_since = now
    locked.save()
    if locked.asked_by is not None:
        _on_commit_send("info_requested", locked, [locked.asked_by.email])
    return locked


@transaction.atomic
def add_information(*, advice_request: AdviceRequest, text: str, by: Person) -> AdviceRequest:
    """The GP supplies what was asked for; the clock runs again and the claimer is told."""
    if by.pk != advice_request.asked_by_id and not can(by, "advice.answer", advice_request.hub):
        raise AdviceError("Only the person who asked can add information.")
    if not text.strip():
        raise AdviceError("Write the information.")
    locked = _locked(advice_request)
    if locked.status != Status.AWAITING_INFO:
        raise AdviceError("No information has been asked for on this request.")
    now = timezone.now()
    _resume_clock(locked, now)
    Reply.objects.create(
        request=locked, author=by, kind=ReplyKind.INFORMATION, text=text.strip(), created_at=now
    )
    if locked.follow_up_since is not None:
        locked.status = Status.FOLLOW_UP
    else:
        locked.status = Status.CLAIMED if locked.claimed_by_id else Status.OPEN
    locked.save()
    if locked.claimed_by is not None:
        _on_commit_send("information_added", locked, [locked.claimed_by.email])
    return locked


@transaction.atomic
def record_outcome(*, advice_request: AdviceRequest, outcome: str, by: Person) -> AdviceRequest:
    """Record what came of an answered request; this closes it (history keeps corrections)."""
    require(
        by, "advice.answer", advice_request.hub, "Only the hub's paediatricians record outcomes."
    )
    if outcome not in Outcome.values:
        raise AdviceError("Choose one of the outcomes listed.")
    locked = _locked(advice_request)
    if locked.first_response_at is None:
        raise AdviceError("Answer the request before recording its outcome.")
    locked.outcome = outcome
    locked.status = Status.CLOSED
    locked.save()
    return locked


def _to_mdt(*, child: Child, reason: str, consent_recorded: bool, by: Person) -> CaseDiscussion:
    return mdt_services.put_forward(
        by=by,
        child=child,
        clinical_question=reason,
        consent_recorded=consent_recorded,
        referrer_role="Advice line",
    )


def _to_clinic(*, child: Child, reason: str, consent_recorded: bool, by: Person) -> Referral:
    return clinic_services.refer(child=child, reason=reason, source="advice", by=by)


# Where an answer can put the child forward: destination -> (service, outcome recorded).
FORWARDS: dict[str, tuple[Callable[..., CaseDiscussion | Referral], str]] = {
    "mdt": (_to_mdt, Outcome.MDT_DISCUSSION),
    "clinic": (_to_clinic, Outcome.OUTREACH_CLINIC),
}


@transaction.atomic
def put_forward(
    *,
    advice_request: AdviceRequest,
    destination: str,
    reason: str,
    consent_recorded: bool = False,
    by: Person,
) -> CaseDiscussion | Referral:
    """From an answer, put the child forward to the MDT or the clinic waiting list in one step,
    and record the matching outcome."""
    if destination not in FORWARDS:
        raise AdviceError("Choose the MDT or the outreach clinic.")
    forward, outcome = FORWARDS[destination]
    advice_request = _locked(advice_request)
    if advice_request.child_id is None:
        raise AdviceError("This request is not about a particular child.")
    if advice_request.first_response_at is None:
        raise AdviceError("Answer the request first.")
    try:
        result = forward(
            child=advice_request.child, reason=reason, consent_recorded=consent_recorded, by=by
        )
    except ServiceError as exc:
        # The other service's own refusal (e.g. no consent, already on the agenda) is shown.
        raise AdviceError(str(exc), field=exc.field) from exc
    record_outcome(advice_request=advice_request, outcome=outcome, by=by)
    return result
