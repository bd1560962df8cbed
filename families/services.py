"""Every write about families: their contacts, the messages the clinics' and advice line's events
send them (through cc4c.govuk_notify, in the transaction of the event), the reminder and
waiting-list sweeps, what families answer through their one-use links, and the coordinator's
tasks when a message cannot be delivered."""

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from advice.models import AdviceRequest
from cc4c import govuk_notify, tokens
from cc4c.errors import ServiceError
from cc4c.models import NotificationStatus, OutboxNotification
from clinics import services as clinic_services
from clinics.models import (
    Appointment,
    AppointmentStatus,
    NotBroughtFollowUp,
    Referral,
    ReferralStatus,
    SessionStatus,
    Slot,
)
from families import wording
from families.models import (
    ANSWERS,
    OWN_CONTACT_AGE,
    Answer,
    Carer,
    ContactTask,
    FamilyLink,
    FamilySettings,
    Kind,
    Message,
    Purpose,
    Relationship,
    TaskReason,
)
from feedback import links as feedback_links
from feedback import services as feedback_services
from hubs.access import require
from hubs.models import Hub, Person
from population.models import Child

LINK_SALT = "families.FamilyLink.token"
# A waiting-list check or a rebooking invitation can be answered for this long.
ANSWER_DAYS = 28
# Reminders and waiting-list checks go at this time of day (London), not in the night.
SEND_FROM = datetime.time(9, 0)
# Kinds withdrawn, when not sent yet, once the appointment is cancelled or moved.
ABOUT_THE_SLOT = (Kind.BOOKED, Kind.MOVED, Kind.REMINDER)


class FamilyError(ServiceError):
    """A refusal, with a message fit to show the person."""


# --- contacts ---------------------------------------------------------------------------------


def _check_contact(
    child: Child, relationship: str | None, today: datetime.date | None = None
) -> None:
    if relationship == Relationship.SELF and child.age_on(today) < OWN_CONTACT_AGE:
        raise FamilyError(
            f"Relationship: {child.given_name} is under {OWN_CONTACT_AGE}, so cannot be their "
            "own contact. Add a parent or carer."
        )


def add_carer(*, child: Child, by: Person, **fields: Any) -> Carer:
    """A new contact for the child, with what they agreed to and when."""
    require(
        by, "family.contacts", child.practice.hub_id, "You cannot change this child's contacts."
    )
    _check_contact(child, fields.get("relationship"))
    return Carer.objects.create(child=child, **fields)


def update_carer(*, carer: Carer, by: Person, **fields: Any) -> Carer:
    """Change a contact (history keeps the old details); a corrected number or address closes
    the task to correct it."""
    child = carer.child
    require(
        by, "family.contacts", child.practice.hub_id, "You cannot change this child's contacts."
    )
    _check_contact(child, fields.get("relationship", carer.relationship))
    corrected = any(
        fields.get(name, getattr(carer, name)) != getattr(carer, name)
        for name in ("mobile", "email")
    )
    withdrawn_consent = carer.consent_to_messages and not fields.get("consent_to_messages", True)
    with transaction.atomic():
        if corrected or withdrawn_consent:
            _withdraw_to(carer)  # nothing waiting goes to the old number or without consent
        for name, value in fields.items():
            setattr(carer, name, value)
        carer.save()
        if corrected:
            carer.tasks.open().update(
                closed_at=timezone.now(), closed_by=by, closed_note="Contact details corrected"
            )
    return carer


def remove_carer(*, carer: Carer, by: Person) -> Carer:
    """The contact is no longer someone to contact; kept, with its messages, for the record."""
    require(
        by,
        "family.contacts",
        carer.child.practice.hub_id,
        "You cannot change this child's contacts.",
    )
    with transaction.atomic():
        _withdraw_to(carer)
        carer.removed_at = timezone.now()
        carer.save(update_fields=["removed_at"])
        carer.tasks.open().update(
            closed_at=timezone.now(), closed_by=by, closed_note="Contact removed"
        )
    return carer


def _withdraw_to(carer: Carer) -> int:
    """The messages to this contact still waiting to be sent: never sent (the contact was
    removed, withdrew consent, or has a new number or address)."""
    waiting = Message.objects.filter(carer=carer).values("outbox_id")
    return govuk_notify.withdraw(OutboxNotification.objects.filter(pk__in=waiting))


def contacts_for(child: Child, on: datetime.date | None = None) -> list[Carer]:
    """The contacts a message about the child goes to: current, consenting, and the child
    themself only once they are 16."""
    carers = list(Carer.objects.reachable().filter(child=child).order_by("created_at", "id"))
    return [c for c in carers if not c.is_self or child.age_on(on) >= OWN_CONTACT_AGE]


# --- links ------------------------------------------------------------------------------------


def link_url(link: FamilyLink) -> str:
    token = tokens.token_for(link.nonce, LINK_SALT)
    return settings.SITE_URL + reverse("families:answer", args=[token])


def _new_link(
    *, purpose: str, hub_id: int, child: Child, expires_at: datetime.datetime, **target: Any
) -> FamilyLink:
    nonce = tokens.new_nonce()
    return FamilyLink.objects.create(
        hub_id=hub_id,
        child=child,
        purpose=purpose,
        nonce=nonce,
        token_hash=tokens.hash_token(tokens.token_for(nonce, LINK_SALT)),
        expires_at=expires_at,
        **target,
    )


def find_link(token: str) -> FamilyLink | None:
    if not token or len(token) > tokens.MAX_LENGTH:
        return None
    return (
        FamilyLink.objects.filter(token_hash=tokens.hash_token(token))
        .select_related("hub", "child", "appointment__slot__session__host_practice", "slot")
        .first()
    )


# --- messages ---------------------------------------------------------------------------------


def _phone(hub: Hub) -> str:
    return FamilySettings.for_hub(hub).phone


def _send(
    *,
    kind: str,
    key: str,
    child: Child,
    hub: Hub,
    url: str,
    slot: Slot | None = None,
    **targets: Any,
) -> list[Message]:
    """One message of ``kind`` to each contact of the child, unless that contact already has
    the message ``key`` names; the new messages."""
    made = []
    phone = _phone(hub)
    values = wording.personalisation(kind, child=child, phone=phone, link=url, slot=slot)
    for carer in contacts_for(child):
        channel, to = carer.address()
        carer_key = f"{key}:{carer.pk}"
        if Message.objects.filter(key=carer_key).exists():
            continue
        try:
            with transaction.atomic():
                outbox = govuk_notify.enqueue(
                    kind=f"families.{kind}",
                    channel=channel,
                    to=to,
                    template_id=wording.template_id(kind, channel),
                    personalisation=values,
                )
                made.append(
                    Message.objects.create(
                        hub=hub,
                        child=child,
                        carer=carer,
                        kind=kind,
                        key=carer_key,
                        slot=slot,
                        outbox=outbox,
                        **targets,
                    )
                )
        except IntegrityError:
            continue  # another sweep made it at the same moment
    return made


def _withdraw(appointment: Appointment) -> int:
    waiting = Message.objects.filter(appointment=appointment, kind__in=ABOUT_THE_SLOT)
    return govuk_notify.withdraw(
        OutboxNotification.objects.filter(pk__in=waiting.values("outbox_id"))
    )


def _appointment_message(appointment: Appointment, kind: str) -> list[Message]:
    slot = appointment.slot
    session = slot.session
    child = appointment.child
    if not contacts_for(child):
        return []
    link = _new_link(
        purpose=Purpose.APPOINTMENT,
        hub_id=session.hub_id,
        child=child,
        expires_at=slot.starts_at,
        appointment=appointment,
        slot=slot,
    )
    return _send(
        kind=kind,
        key=f"{kind}:{appointment.pk}:{slot.pk}",
        child=child,
        hub=session.hub,
        url=link_url(link),
        slot=slot,
        appointment=appointment,
        link=link,
    )


def appointment_booked(*, appointment: Appointment) -> list[Message]:
    """The family is told of the booking, with a link to confirm, say they can't come or ask
    for another time."""
    return _appointment_message(appointment, Kind.BOOKED)


def appointment_moved(*, appointment: Appointment, old_slot: Slot | None = None) -> list[Message]:
    """The old time's messages not sent yet are withdrawn; the family is told of the new one."""
    _withdraw(appointment)
    return _appointment_message(appointment, Kind.MOVED)


def appointment_cancelled(*, appointment: Appointment, by_family: bool = False) -> int:
    """No reminder goes for a cancelled appointment, nor any message about it not sent yet."""
    return _withdraw(appointment)


def appointment_not_brought(
    *, appointment: Appointment, follow_up: NotBroughtFollowUp
) -> list[Message]:
    """An invitation to rebook, whose answer shows on the follow-up."""
    child = appointment.child
    session = appointment.slot.session
    if not contacts_for(child):
        return []
    link = _new_link(
        purpose=Purpose.REBOOK,
        hub_id=session.hub_id,
        child=child,
        expires_at=timezone.now() + datetime.timedelta(days=ANSWER_DAYS),
        follow_up=follow_up,
        appointment=appointment,
        slot=appointment.slot,
    )
    return _send(
        kind=Kind.REBOOK,
        key=f"rebook:{follow_up.pk}",
        child=child,
        hub=session.hub,
        url=link_url(link),
        appointment=appointment,
        follow_up=follow_up,
        link=link,
    )


def appointment_attended(*, appointment: Appointment) -> list[Message]:
    """The Friends and Family Test link (the feedback app's one-use link) by text or email."""
    child = appointment.child
    if not contacts_for(child):
        return []
    invitation = feedback_services.invitations_for_appointments([appointment]).get(appointment.pk)
    if invitation is None:
        return []
    return _send(
        kind=Kind.FEEDBACK,
        key=f"feedback:appointment:{appointment.pk}",
        child=child,
        hub=appointment.slot.session.hub,
        url=feedback_links.family_url(invitation),
        appointment=appointment,
    )


def advice_answered(*, advice_request: AdviceRequest) -> list[Message]:
    """The Friends and Family Test link after advice about the child was given."""
    child = advice_request.child
    if child is None or not contacts_for(child):
        return []
    invitation = feedback_services.invitation_for_advice(advice_request)
    if invitation is None:
        return []
    return _send(
        kind=Kind.FEEDBACK,
        key=f"feedback:advice:{advice_request.pk}",
        child=child,
        hub=advice_request.hub,
        url=feedback_links.family_url(invitation),
        advice_request=advice_request,
    )


# --- sweeps -----------------------------------------------------------------------------------


def _at(day: datetime.date, time: datetime.time = SEND_FROM) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """The beat sweep: each reminder of each booked appointment whose time has come (the hub's
    days before it, from 09:00), once per contact and slot; none for a cancelled or moved
    appointment's old time, none due before the family was told of the time. How many sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=28)
    booked = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            slot__session__status=SessionStatus.SCHEDULED,
            slot__session__date__gte=today,
            slot__session__date__lte=horizon,
            child__carers__consent_to_messages=True,
            child__carers__removed_at__isnull=True,
        )
        .distinct()
        .select_related(
            "child__practice",
            "slot__session__hub__family_settings",
            "slot__session__host_practice",
        )
        .annotate(
            told_at=Max(
                "family_messages__created_at",
                filter=Q(family_messages__kind__in=(Kind.BOOKED, Kind.MOVED)),
            )
        )
    )
    sent = 0
    for appointment in booked:
        slot = appointment.slot
        session = slot.session
        if slot.starts_at <= now:
            continue
        told_at = appointment.told_at or appointment.booked_at
        days = FamilySettings.for_hub(session.hub).reminders
        # The nearest reminder whose time has come; earlier ones it replaces are not sent.
        due = [d for d in days if _at(session.date - datetime.timedelta(days=d)) <= now]
        if not due:
            continue
        nearest = min(due)
        if _at(session.date - datetime.timedelta(days=nearest)) < told_at:
            continue  # booked or moved after this reminder's time: the family was just told
        link = (
            FamilyLink.objects.filter(appointment=appointment, slot=slot)
            .order_by("-created_at")
            .first()
        )
        if link is None:
            link = _new_link(
                purpose=Purpose.APPOINTMENT,
                hub_id=session.hub_id,
                child=appointment.child,
                expires_at=slot.starts_at,
                appointment=appointment,
                slot=slot,
            )
        with transaction.atomic():
            made = _send(
                kind=Kind.REMINDER,
                key=f"reminder:{appointment.pk}:{slot.pk}:{nearest}",
                child=appointment.child,
                hub=session.hub,
                url=link_url(link),
                slot=slot,
                appointment=appointment,
                link=link,
                reminder_days=nearest,
            )
        sent += len(made)
    return sent


def send_waiting_checks(*, now: datetime.datetime | None = None) -> int:
    """The beat sweep: every ``waiting_check_weeks`` on the waiting list (counted from the
    referral date), "do you still need this appointment?", once per contact and round. How many
    sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if timezone.localtime(now).time() < SEND_FROM:
        return 0
    waiting = (
        Referral.objects.filter(
            status=ReferralStatus.WAITING,
            child__carers__consent_to_messages=True,
            child__carers__removed_at__isnull=True,
        )
        .distinct()
        .select_related("child__practice", "hub__family_settings")
    )
    sent = 0
    for referral in waiting:
        weeks = FamilySettings.for_hub(referral.hub).waiting_check_weeks
        if not weeks:
            continue
        round_number = (today - referral.referral_date).days // (7 * weeks)
        if round_number < 1:
            continue
        key = f"waiting_check:{referral.pk}:{round_number}"
        if Message.objects.filter(key__startswith=f"{key}:").exists():
            continue
        with transaction.atomic():
            link = _new_link(
                purpose=Purpose.WAITING_CHECK,
                hub_id=referral.hub_id,
                child=referral.child,
                expires_at=now + datetime.timedelta(days=ANSWER_DAYS),
                referral=referral,
            )
            made = _send(
                kind=Kind.WAITING_CHECK,
                key=key,
                child=referral.child,
                hub=referral.hub,
                url=link_url(link),
                referral=referral,
                link=link,
            )
            if not made:
                transaction.set_rollback(True)
        sent += len(made)
    return sent


# --- answers from families --------------------------------------------------------------------


def refusal(link: FamilyLink, now: datetime.datetime | None = None) -> str:
    """Why this link cannot take an answer now, or "" when it can."""
    now = now or timezone.now()
    if link.is_answered:
        return "used"
    if now > link.expires_at:
        return "expired"
    if link.purpose == Purpose.APPOINTMENT:
        appointment = link.appointment
        if appointment is None or appointment.status != AppointmentStatus.BOOKED:
            return "cancelled"
        if appointment.slot_id != link.slot_id:
            return "moved"
    if link.purpose == Purpose.WAITING_CHECK and (
        link.referral is None or link.referral.status != ReferralStatus.WAITING
    ):
        return "closed"
    return ""


CANT_COME_REASON = "The family said they can't come (the link in their message)."


def answer(*, token: str, answer: str, now: datetime.datetime | None = None) -> FamilyLink:
    """Record a family's answer, once per link; "we can't come" frees the slot at once and puts
    the child back on the waiting list at their place."""
    now = now or timezone.now()
    with transaction.atomic():
        link = (
            FamilyLink.objects.select_for_update(of=("self",))
            .filter(token_hash=tokens.hash_token(token))
            .first()
        )
        if link is None:
            raise FamilyError("unknown")
        reason = refusal(link, now)
        if reason:
            raise FamilyError(reason)
        if answer not in ANSWERS[Purpose(link.purpose)]:
            raise FamilyError("Choose one of the answers.")
        link.answer = answer
        link.answered_at = now
        link.save(update_fields=["answer", "answered_at"])
        if answer == Answer.CANT_COME:
            clinic_services.cancel_appointment(
                appointment=Appointment.objects.select_related("slot__session", "child").get(
                    family_links=link
                ),
                by_family=True,
                reason=CANT_COME_REASON,
                return_to_waiting_list=True,
                by=None,
            )
    return link


def mark_done(*, link: FamilyLink, by: Person) -> FamilyLink:
    """A coordinator has dealt with a family's answer (moved the appointment, closed the
    referral, booked again): it leaves the replies list."""
    require(by, "family.messages", link.hub_id, "Only the hub's coordinators deal with replies.")
    if link.done_at is not None:
        raise FamilyError("This reply is already marked as dealt with.")
    link.done_at = timezone.now()
    link.done_by = by
    link.save(update_fields=["done_at", "done_by"])
    return link


# --- delivery -------------------------------------------------------------------------------

TASK_FOR: dict[str, TaskReason] = {
    NotificationStatus.PERMANENT_FAILURE: TaskReason.WRONG_CONTACT,
    NotificationStatus.TEMPORARY_FAILURE: TaskReason.NOT_REACHED,
    NotificationStatus.TECHNICAL_FAILURE: TaskReason.NOT_REACHED,
}


def message_finished(notification: OutboxNotification) -> ContactTask | None:
    """cc4c.govuk_notify's hook: a message that could not be delivered opens a task for the
    hub's coordinators to correct the contact (one open task per contact)."""
    reason = TASK_FOR.get(notification.status)
    if reason is None:
        return None
    message = Message.objects.filter(outbox=notification).select_related("carer").first()
    if message is None:
        return None
    if ContactTask.objects.open().filter(carer=message.carer).exists():
        return None
    try:
        with transaction.atomic():
            return ContactTask.objects.create(carer=message.carer, message=message, reason=reason)
    except IntegrityError:
        return None  # opened at the same moment by another receipt


def close_task(*, task: ContactTask, note: str, by: Person) -> ContactTask:
    """A coordinator closes a contact task (the family phoned, the contact was checked)."""
    require(
        by, "family.messages", task.carer.child.practice.hub_id, "Only coordinators close tasks."
    )
    if not task.is_open:
        raise FamilyError("This task is already closed.")
    task.closed_at = timezone.now()
    task.closed_by = by
    task.closed_note = note[:200]
    task.save(update_fields=["closed_at", "closed_by", "closed_note"])
    return task
