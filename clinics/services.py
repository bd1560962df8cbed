"""Every write that is a clinic business action. Keyword-only, the acting person as ``by``,
one transaction each, emails sent only once the transaction commits."""

import datetime
from collections.abc import Collection, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from cc4c import formatting, submissions
from cc4c.errors import ServiceError
from clinics import invitations, letters, notify, signals
from clinics.models import (
    CANCELLED_STATUSES,
    NEEDS_NEXT_PLACE,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ClinicSession,
    Decision,
    FollowUpReminder,
    FollowUpStatus,
    NextStep,
    NotBroughtFollowUp,
    OffListReason,
    Outcome,
    Referral,
    ReferralStatus,
    SessionStatus,
    Slot,
)
from hubs.models import Hub, Person, Practice
from population.models import Child

SLOT_TAKEN = "That slot was just booked by someone else. Choose another slot."
# Days after a follow-up opens that a reminder goes to its assignees, if still undecided.
REMINDER_DAYS = (3, 7, 14, 28)
REPEAT_NOT_BROUGHT_DAYS = 365


class ClinicError(ServiceError):
    """A refusal with a message a coordinator or clinician can act on."""


def session_over_message(session: ClinicSession) -> str:
    return (
        f"The clinic of {formatting.weekday(session.date)} ended at "
        f"{formatting.clock(session.end_time)}: it is over, "
        "so no one can be booked into it. Choose a slot in an upcoming session."
    )


def session_held_message(session: ClinicSession) -> str:
    return (
        f"The clinic of {formatting.weekday(session.date)} is over: a session that has been held "
        "cannot be cancelled."
    )


def create_session(
    *,
    hub: Hub,
    date: datetime.date,
    host_practice: Practice,
    start_time: datetime.time,
    end_time: datetime.time,
    slot_minutes: int,
    clinicians: Iterable[Person] = (),
    by: Person,
) -> ClinicSession:
    """A scheduled session in one of the hub's practices, with its slots generated."""
    if host_practice.hub_id != hub.pk:
        raise ClinicError("The host practice must be one of the hub's practices.")
    session = ClinicSession(
        hub=hub,
        date=date,
        host_practice=host_practice,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        created_by=by,
    )
    times = session.slot_times()
    if not times:
        raise ClinicError("The session is shorter than one slot.")
    with transaction.atomic():
        session.save()
        session.clinicians.set(clinicians)
        Slot.objects.bulk_create(Slot(session=session, start_time=t) for t in times)
        invitations.publish(session)
    return session


def session_changed(*, session, by):
    """The session's time, place or clinicians were changed (in the admin site): its clinicians'
    calendars are updated, someone added is invited, someone removed is told it is off."""
    with transaction.atomic():
        if session.is_cancelled:
            invitations.cancel(session)
        else:
            invitations.publish(session)
    return session


def cancel_session(
    *, session: ClinicSession, reason: str, rebook_ids: Collection[int] | None = None, by: Person
) -> ClinicSession:
    """Cancel a session and every appointment in it; each practice is told, and each child in
    ``rebook_ids`` (every child when None) goes back on the waiting list to be rebooked."""
    with transaction.atomic():
        session = ClinicSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            raise ClinicError("This session is already cancelled.")
        if session.is_over():
            raise ClinicError(session_held_message(session))
        session.status = SessionStatus.CANCELLED
        session.cancelled_reason = reason
        session.save(update_fields=["status", "cancelled_reason"])
        booked = Appointment.objects.filter(
            slot__session=session, status=AppointmentStatus.BOOKED
        ).select_related("child", "referral__referred_by")
        for appointment in booked:
            _cancel(
                appointment,
                AppointmentStatus.CANCELLED_BY_CLINIC,
                f"Session cancelled: {reason}",
                rebook_ids is None or appointment.pk in rebook_ids,
            )
        invitations.cancel(session)
    return session


def refer(
    *,
    child: Child,
    reason: str,
    referral_date: datetime.date | None = None,
    priority: str = "routine",
    source: str = "gp",
    by: Person,
) -> Referral:
    """Put a child on their hub clinic's waiting list."""
    if referral_date and referral_date > timezone.localdate():
        raise ClinicError("The referral date cannot be in the future.")
    hub_id = child.practice.hub_id
    if hub_id is None:
        # A comparison practice's child has no hub clinic (docs/import-formats.md).
        raise ClinicError("This child's practice is in no hub, so has no hub clinic.")
    return Referral.objects.create(
        child=child,
        hub_id=hub_id,
        referral_date=referral_date or timezone.localdate(),
        reason=reason,
        priority=priority,
        source=source,
        referred_by=by,
    )


def take_off_waiting_list(
    *, referral: Referral, reason: str, note: str = "", by: Person
) -> Referral:
    """Close a waiting referral without an appointment, with the reason; the practice that
    referred is told (nothing clinical). A referral already booked or closed is refused."""
    note = note.strip()
    if reason == OffListReason.OTHER and not note:
        raise ClinicError("Say why the child is taken off the list.")
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.status != ReferralStatus.WAITING:
            status = current.get_status_display().lower()
            raise ClinicError(f"{current.child} is no longer waiting: the referral is {status}.")
        current.status = ReferralStatus.CLOSED
        current.off_list_reason, current.off_list_note = reason, note
        current.off_list_at, current.off_list_by = timezone.now(), by
        current.save()
        notify.tell_referrer_off_list(current)
    return current


def _check_slot(slot: Slot, child: Child) -> None:
    session = slot.session
    if session.is_cancelled:
        raise ClinicError("That session is cancelled.")
    if session.is_over():
        raise ClinicError(session_over_message(session))
    if child.practice.hub_id != session.hub_id:
        raise ClinicError("The child is not registered at a practice of this hub.")


def book_appointment(
    *,
    slot: Slot,
    child: Child,
    by: Person,
    referral: Referral | None = None,
    appointment_type: str | None = None,
    referral_date: datetime.date | None = None,
    submission: str | None = None,
) -> Appointment:
    """Book the child into the slot; if someone else just took it, or the session is over or
    cancelled, nothing is written and a ClinicError says so. The same form (``submission``)
    sent twice books once."""
    with transaction.atomic():
        submissions.claim(submission, by=by)
        appointment = _book(slot, child, by, referral, appointment_type, referral_date)
        submissions.done(submission, appointment)
    return appointment


def _book(
    slot: Slot,
    child: Child,
    by: Person,
    referral: Referral | None,
    appointment_type: str | None,
    referral_date: datetime.date | None,
) -> Appointment:
    _check_slot(slot, child)
    if referral is not None and referral.child_id != child.pk:
        raise ClinicError("That referral is for another child.")
    if referral is not None and referral.status == ReferralStatus.CLOSED:
        raise ClinicError("That referral is closed: refer the child again to book them.")
    appointment = Appointment(
        slot=slot,
        child=child,
        referral=referral,
        type=appointment_type or AppointmentType.NEW,
        referral_date=referral.referral_date if referral else referral_date,
        booked_by=by,
    )
    try:
        with transaction.atomic():
            appointment.save()
            if referral is not None:
                Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.BOOKED)
            notify.tell_practice(appointment, "booked")
            signals.appointment_booked.send(Appointment, appointment=appointment)
    except IntegrityError as exc:
        if "appointment_one_live_per_slot" in str(exc):
            raise ClinicError(SLOT_TAKEN) from exc
        raise
    return appointment


def move_appointment(
    *, appointment: Appointment, slot: Slot, reason: str = "", by: Person
) -> Appointment:
    """Move a booked appointment to another free slot of the hub's clinics."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise ClinicError("Only a booked appointment can be moved.")
    if slot.pk == appointment.slot_id:
        raise ClinicError("The appointment is already in that slot.")
    _check_slot(slot, appointment.child)
    old_slot = appointment.slot
    appointment.slot = slot
    appointment.reason = reason
    appointment._change_reason = "moved"  # type: ignore[attr-defined]  # simple-history
    try:
        with transaction.atomic():
            appointment.save(update_fields=["slot", "reason"])
            notify.tell_practice(appointment, "moved")
            signals.appointment_moved.send(Appointment, appointment=appointment, old_slot=old_slot)
    except IntegrityError as exc:
        if "appointment_one_live_per_slot" in str(exc):
            raise ClinicError(SLOT_TAKEN) from exc
        raise
    return appointment


def _cancel(
    appointment: Appointment, status: str, reason: str, return_to_waiting_list: bool
) -> None:
    appointment.status = status
    appointment.reason = reason
    appointment.save(update_fields=["status", "reason"])
    # Back on the waiting list to be rebooked, or closed: the practice decides what next.
    if return_to_waiting_list:
        _back_on_waiting_list(appointment, f"Rebook: {reason}")
    elif appointment.referral_id:
        Referral.objects.filter(pk=appointment.referral_id).update(status=ReferralStatus.CLOSED)
    notify.tell_practice(appointment, "cancelled")
    signals.appointment_cancelled.send(
        Appointment,
        appointment=appointment,
        by_family=status == AppointmentStatus.CANCELLED_BY_FAMILY,
    )


def _back_on_waiting_list(appointment: Appointment, reason: str) -> Referral:
    """The appointment's referral waiting again, at its own date; an appointment booked without
    a referral (a follow-up, an import) gets one at its referral date, else its clinic's day."""
    if appointment.referral_id:
        Referral.objects.filter(pk=appointment.referral_id).update(status=ReferralStatus.WAITING)
        return Referral.objects.get(pk=appointment.referral_id)
    session = appointment.slot.session
    referral = Referral.objects.create(
        child=appointment.child,
        hub_id=session.hub_id,
        referral_date=appointment.referral_date or session.date,
        reason=reason,
    )
    Appointment.objects.filter(pk=appointment.pk).update(referral=referral)
    appointment.referral = referral
    return referral


def return_to_waiting_list(*, appointment: Appointment, reason: str, by: Person) -> Referral:
    """Put the child of a missed or cancelled appointment back on the clinic's waiting list at
    their original referral date, so they are never on no list."""
    if appointment.status == AppointmentStatus.BOOKED:
        raise ClinicError("The child is booked: cancel or move the appointment instead.")
    with transaction.atomic():
        return _back_on_waiting_list(appointment, reason)


def cancel_appointment(
    *,
    appointment: Appointment,
    by_family: bool,
    reason: str,
    return_to_waiting_list: bool = True,
    by: Person | None,
) -> Appointment:
    """Cancel a booked appointment, by the family (``by`` None when they answered a link) or by
    the clinic, with the reason."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise ClinicError("Only a booked appointment can be cancelled.")
    if not reason.strip():
        raise ClinicError("Say why the appointment is cancelled.")
    status = (
        AppointmentStatus.CANCELLED_BY_FAMILY
        if by_family
        else AppointmentStatus.CANCELLED_BY_CLINIC
    )
    with transaction.atomic():
        _cancel(appointment, status, reason, return_to_waiting_list)
    return appointment


def _on_the_day(
    appointment: Appointment, allowed: Collection[str] = (AppointmentStatus.BOOKED,)
) -> None:
    if appointment.status not in allowed:
        raise ClinicError(
            f"This appointment is {appointment.get_status_display().lower()} already."
        )
    if appointment.slot.session.date > timezone.localdate():
        raise ClinicError("Attendance can be recorded on the day of the clinic, not before.")


def mark_attended(
    *, appointment: Appointment, by: Person, outcome: str = "", note: str = ""
) -> Appointment:
    """Record that the child was seen, with the outcome if known (then the letter to the GP
    practice is written, in the same transaction)."""
    _on_the_day(appointment)
    if outcome and outcome not in Outcome.values:
        raise ClinicError("Choose an outcome from the list.")
    with transaction.atomic():
        appointment.status = AppointmentStatus.ATTENDED
        appointment.outcome = outcome
        appointment.note = note or appointment.note
        appointment.save(update_fields=["status", "outcome", "note"])
        if outcome and appointment.referral_id:
            _close_referral_after(appointment)
        if outcome:
            letters.queue(appointment, by=by)
        signals.appointment_attended.send(Appointment, appointment=appointment)
    return appointment


def _close_referral_after(appointment: Appointment) -> None:
    if appointment.referral_id is not None:
        Referral.objects.filter(pk=appointment.referral_id).update(status=ReferralStatus.CLOSED)


def record_outcome(
    *,
    appointment: Appointment,
    outcome: str,
    note: str = "",
    plan: str = "",
    follows_up: str = "",
    by: Person,
) -> Appointment:
    """Record (or correct) the outcome of an attended appointment; history keeps the old one.
    The letter to the child's GP practice is written in the same transaction (a correction
    writes its next version)."""
    if appointment.status != AppointmentStatus.ATTENDED:
        raise ClinicError("An outcome can only be recorded for an attended appointment.")
    if outcome not in Outcome.values:
        raise ClinicError("Choose an outcome from the list.")
    with transaction.atomic():
        appointment.outcome = outcome
        appointment.note = note
        appointment.plan = plan.strip()
        appointment.follows_up = follows_up.strip()
        appointment.save(update_fields=["outcome", "note", "plan", "follows_up"])
        if appointment.referral_id:
            _close_referral_after(appointment)
        letters.queue(appointment, by=by)
    return appointment


def _escalation_reason(appointment: Appointment) -> str:
    child = appointment.child
    if child.has_safeguarding_flag:
        return "The child has a safeguarding flag."
    day = appointment.slot.session.date
    recent = Appointment.objects.filter(
        child=child,
        status=AppointmentStatus.NOT_BROUGHT,
        slot__session__date__gt=day - datetime.timedelta(days=REPEAT_NOT_BROUGHT_DAYS),
        slot__session__date__lte=day,
    ).count()
    if recent >= 2:
        return "Not brought twice in 12 months."
    return ""


def mark_not_brought(*, appointment: Appointment, by: Person) -> NotBroughtFollowUp:
    """Record that the child was not brought; opens the follow-up for the referring clinician
    and the hub lead, escalated to the lead at once when the child is at risk."""
    _on_the_day(appointment)
    with transaction.atomic():
        appointment.status = AppointmentStatus.NOT_BROUGHT
        appointment.save(update_fields=["status"])
        follow_up = _open_follow_up(appointment)
        signals.appointment_not_brought.send(
            Appointment, appointment=appointment, follow_up=follow_up
        )
        return follow_up


def _open_follow_up(appointment: Appointment) -> NotBroughtFollowUp:
    hub = appointment.slot.session.hub
    follow_up = NotBroughtFollowUp.objects.create(appointment=appointment)
    assignees = [p for p in (_referrer(appointment), hub.lead) if p is not None]
    follow_up.assigned_to.set(assignees)
    reason = _escalation_reason(appointment)
    if reason:
        follow_up.escalated = True
        follow_up.escalated_at = timezone.now()
        follow_up.escalation_reason = reason
        follow_up.save(update_fields=["escalated", "escalated_at", "escalation_reason"])
        if hub.lead is not None:
            notify.escalate(follow_up, hub.lead)
    return follow_up


def open_missing_follow_ups() -> int:
    """The beat sweep: every appointment marked not brought without a follow-up (by an import
    or in the admin site) gets one, as if marked on the day; safe to run twice at once."""
    missing = Appointment.objects.filter(
        status=AppointmentStatus.NOT_BROUGHT, follow_up__isnull=True
    ).select_related("slot__session__hub__lead", "referral__referred_by", "child")
    opened = 0
    for appointment in missing:
        try:
            with transaction.atomic():
                _open_follow_up(appointment)
        except IntegrityError:
            continue  # another sweep opened it at the same moment
        opened += 1
    return opened


def _referrer(appointment: Appointment) -> Person | None:
    referral = appointment.referral
    return referral.referred_by if referral is not None else None


def mark_cancelled(
    *, appointment: Appointment, by_family: bool, reason: str, by: Person
) -> Appointment:
    """On the day: the appointment did not happen because it was cancelled."""
    return cancel_appointment(appointment=appointment, by_family=by_family, reason=reason, by=by)


def book_follow_up(*, appointment: Appointment, slot: Slot, by: Person) -> Appointment:
    """Book the child's follow-up appointment after an attended one."""
    if appointment.status != AppointmentStatus.ATTENDED:
        raise ClinicError("A follow-up can only be booked after an attended appointment.")
    return book_appointment(
        slot=slot,
        child=appointment.child,
        referral=None,
        appointment_type=AppointmentType.FOLLOW_UP,
        by=by,
    )


NEXT_PLACE_NEEDED = (
    "Book a slot now or put the child back on the waiting list: a child whose family wants a "
    "new appointment must be on one or the other."
)


def record_decision(
    *,
    follow_up: NotBroughtFollowUp,
    decision: str,
    note: str = "",
    slot: Slot | None = None,
    to_waiting_list: bool = False,
    submission: str | None = None,
    by: Person,
) -> NotBroughtFollowUp:
    """Close a not-brought follow-up with the decision; it cannot close without one. When the
    family wants a new appointment (or it is rebooked) the child is, in the same transaction,
    booked into ``slot`` or put back on the waiting list at their original referral date. The
    same form (``submission``) sent twice decides once."""
    if decision not in Decision.values:
        raise ClinicError("Choose a decision.")
    if decision == Decision.DISCHARGED_WITH_REASON and not note.strip():
        raise ClinicError("Say why the child is discharged.")
    if slot is not None and to_waiting_list:
        raise ClinicError("Either book a slot or put the child back on the waiting list.")
    if decision in NEEDS_NEXT_PLACE and slot is None and not to_waiting_list:
        raise ClinicError(NEXT_PLACE_NEEDED)
    if decision == Decision.DISCHARGED_WITH_REASON and (slot is not None or to_waiting_list):
        raise ClinicError("A discharged child is not booked again: choose another decision.")
    with transaction.atomic():
        submissions.claim(submission, by=by)
        follow_up = (
            NotBroughtFollowUp.objects.select_for_update()
            .select_related("appointment__slot__session", "appointment__child__practice")
            .get(pk=follow_up.pk)
        )
        if not follow_up.is_open:
            raise ClinicError("A decision has already been recorded.")
        missed = follow_up.appointment
        follow_up.status = FollowUpStatus.CLOSED
        follow_up.decision = decision
        follow_up.decision_note = note
        follow_up.decided_by = by
        follow_up.decided_at = timezone.now()
        if slot is not None:
            referral = missed.referral
            if referral is not None and referral.status == ReferralStatus.CLOSED:
                referral = None
            follow_up.next_appointment = book_appointment(
                slot=slot,
                child=missed.child,
                referral=referral,
                appointment_type=missed.type,
                referral_date=missed.referral_date,
                by=by,
            )
            follow_up.next_step = NextStep.BOOKED
        elif to_waiting_list:
            when = formatting.weekday(missed.slot.session.date)
            _back_on_waiting_list(missed, f"Rebook: not brought to the clinic of {when}")
            follow_up.next_step = NextStep.WAITING_LIST
        follow_up.save()
        submissions.done(submission, follow_up)
    return follow_up


def send_follow_up_reminders(*, now: datetime.datetime | None = None) -> int:
    """The beat sweep: remind the assignees of each undecided follow-up at each reminder day,
    each reminder claimed in the database first so it is sent once. Returns how many."""
    now = now or timezone.now()
    first_due = now - datetime.timedelta(days=REMINDER_DAYS[0])
    open_ones = (
        NotBroughtFollowUp.objects.unresolved()
        .filter(opened_at__lte=first_due)
        .exclude(appointment__status__in=CANCELLED_STATUSES)
        .select_related("appointment__slot__session__hub__lead")
        .prefetch_related("assigned_to", "reminders")
    )
    sent = 0
    for follow_up in open_ones:
        age_days = (now - follow_up.opened_at).days
        number = sum(1 for d in REMINDER_DAYS if age_days >= d)
        if any(r.number >= number for r in follow_up.reminders.all()):
            continue
        with transaction.atomic():
            _, claimed = FollowUpReminder.objects.get_or_create(
                follow_up=follow_up, number=number, defaults={"sent_at": now}
            )
            if not claimed:
                continue
            recipients = [p.email for p in follow_up.assigned_to.all()]
            lead = follow_up.appointment.slot.session.hub.lead
            if not recipients and lead is not None:
                recipients = [lead.email]
            notify.remind(follow_up, recipients)
            sent += 1
    return sent
